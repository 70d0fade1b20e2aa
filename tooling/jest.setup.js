// One of the two places that load the Reflect polyfill (the other is the CLI entry).
require('reflect-metadata');
const tf = require('@tensorflow/tfjs');
tf.env().set('IS_TEST', true);
