/**
 * The demo's story (`npm run demo`, src/server/demo/) is written through the modules' own services,
 * one transaction each, so a step's records cannot be found again by a natural key. Each finished
 * step is named here: a second start skips it, so seeding again adds nothing.
 */
export const up = /* sql */ `
CREATE TABLE demo_seed_steps (
  key text PRIMARY KEY,
  done_at timestamptz NOT NULL DEFAULT now()
);
`;
