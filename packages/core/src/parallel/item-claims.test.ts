import { claimBack, claimCounts, claimFront, claimSchedule, stopClaims } from './item-claims';

const items = [3, 9, 1, 9, 5].map((size) => ({ indices: new Int32Array(size) }));

describe('claiming items from both ends', () => {
  it('orders items largest first and hands out every position exactly once', () => {
    const schedule = claimSchedule(items);
    expect([...schedule.claimOrder]).toEqual([1, 3, 4, 0, 2]);
    const claimed = [claimFront(schedule), claimBack(schedule), claimFront(schedule)];
    claimed.push(claimBack(schedule), claimBack(schedule));
    expect(claimed).toEqual([0, 4, 1, 3, 2]);
    expect(claimFront(schedule)).toBe(-1);
    expect(claimBack(schedule)).toBe(-1);
    expect(claimCounts(schedule)).toEqual({ front: 2, back: 3 });
  });

  it('hands out nothing more once stopped', () => {
    const schedule = claimSchedule(items);
    claimFront(schedule);
    stopClaims(schedule);
    expect(claimFront(schedule)).toBe(-1);
    expect(claimBack(schedule)).toBe(-1);
  });
});
