// Bradley-Terry with 200 bootstrap resamples (the leaderboard's setting) over 10,000 games among six models.
import { bench, describe } from 'vitest';
import { bradleyTerryWithIntervals, mulberry32, type Match } from '../src/lib/judge';

const rand = mulberry32(5);
const strength = [0.8, 0.4, 0.1, 0, -0.3, -0.6];
const games: Match[] = Array.from({ length: 10_000 }, () => {
  const a = Math.floor(rand() * 6);
  const b = (a + 1 + Math.floor(rand() * 5)) % 6;
  const p = 1 / (1 + Math.exp(strength[b]! - strength[a]!));
  const u = rand();
  return { modelA: `m${a}`, modelB: `m${b}`, scoreA: u < 0.1 ? 0.5 : u < 0.1 + 0.9 * p ? 1 : 0 };
});

describe('bradleyTerryWithIntervals', () => {
  bench(
    '10,000 games, 6 models, 200 resamples',
    () => {
      bradleyTerryWithIntervals(games, { iterations: 200, seed: 1 });
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
