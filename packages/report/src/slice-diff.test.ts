import { isUsageError, NeuronModel, createSlice } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { compareSlices } from './slice-diff';

describe('compareSlices', () => {
  const model = new NeuronModel(makeTinyMlp({ hidden: [6, 4] }));
  afterAll(() => model.model.dispose());
  const slice = (critical: Record<string, number[]>) =>
    createSlice({ model, metric: 'm', slicer: 's', options: {}, critical });

  it('counts kept, gained and lost neurons per layer', () => {
    const rows = compareSlices(
      slice({ fc1: [0, 1, 2], fc2: [3] }),
      slice({ fc1: [2, 3], fc2: [] }),
    );
    expect(rows.find((row) => row.layer === 'fc1')).toMatchObject({ kept: 1, gained: 1, lost: 2 });
    expect(rows.find((row) => row.layer === 'fc2')).toMatchObject({ kept: 0, gained: 0, lost: 1 });
  });

  it('refuses slices of different architectures, naming both', () => {
    const other = new NeuronModel(makeTinyMlp({ hidden: [5, 4] }));
    try {
      const foreign = createSlice({
        model: other,
        metric: 'm',
        slicer: 's',
        options: {},
        critical: {},
      });
      let error: unknown;
      try {
        compareSlices(slice({}), foreign);
      } catch (caught) {
        error = caught;
      }
      expect(isUsageError(error)).toBe(true);
      expect((error as Error).message).toMatch(/fc1\(6\).*vs.*fc1\(5\)/);
    } finally {
      other.model.dispose();
    }
  });
});
