import { randomNeuronSets, seededRandom } from './random-slice';

describe('randomNeuronSets', () => {
  const layers = [
    { name: 'fc1', units: 20 },
    { name: 'fc2', units: 5 },
  ];

  it('draws the asked number of distinct, sorted indices per layer, within range', () => {
    const sets = randomNeuronSets(layers, { fc1: 7, fc2: 5 }, seededRandom(3));
    expect(sets.fc1).toHaveLength(7);
    expect(new Set(sets.fc1).size).toBe(7);
    expect([...sets.fc1].sort((a, b) => a - b)).toEqual(sets.fc1);
    expect(sets.fc1.every((index) => index >= 0 && index < 20)).toBe(true);
    expect(sets.fc2).toEqual([0, 1, 2, 3, 4]);
  });

  it('repeats with a seed and differs between seeds', () => {
    const draw = (seed: number) => randomNeuronSets(layers, { fc1: 6 }, seededRandom(seed)).fc1;
    expect(draw(11)).toEqual(draw(11));
    expect(draw(11)).not.toEqual(draw(12));
  });

  it('reaches every neuron over many draws (no index is favoured away)', () => {
    const random = seededRandom(5);
    const seen = new Set<number>();
    for (let draw = 0; draw < 50; draw++) {
      for (const index of randomNeuronSets(layers, { fc1: 3 }, random).fc1) seen.add(index);
    }
    expect(seen.size).toBe(20);
  });
});
