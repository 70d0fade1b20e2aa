// The in-memory data set and the readers of the published formats
export * from './in-memory-dataset';
export * from './idx-reader';
export * from './idx-dataset';
export * from './cifar10-reader';
export * from './ustar-reader';
export { isGzip, decodeBytes, readDecodedFile } from './file-bytes';
export { bytesToUnitFloats } from './pixel-scale';
// Users' data: .npy / .npz arrays and directories of IDX files, with optional checksum lists
export * from './npy-reader';
export * from './npz-reader';
export { listZipEntries, readZipEntry, type ZipEntry } from './zip-reader';
export * from './user-dataset';
export * from './user-checksums';
export { reshapeInputs } from './reshape-inputs';
// Finding, downloading, checking and loading the named data sets
export * from './dataset-catalog';
export * from './dataset-locations';
export * from './checksums';
export { downloadBytes, type DownloadOptions } from './http-download';
export * from './dataset-download';
export * from './load-dataset';
// Subsets, task splits, seeded shuffling
export * from './class-subsets';
export * from './seeded-random';
