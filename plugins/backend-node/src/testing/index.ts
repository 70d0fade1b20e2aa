// Tests shared by the native-TensorFlow backends (import from '@neusemslice/backend-node/testing').
export * from './native-backend-suite';
