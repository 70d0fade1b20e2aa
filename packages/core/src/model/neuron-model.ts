export class NeuronModel {}
