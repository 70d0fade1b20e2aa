export interface Slice { x: 1 }
