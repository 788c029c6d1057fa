// Long work done in steps, for the event loop's sake. On Node the embedded database driver runs
// each statement on the event loop: without a turn between steps, a request arriving meanwhile (a
// vote, a sign-in) waits for the whole work; and a step's size is set by how long the last took,
// since the same rows cost several times more on a busy disk or a loaded machine.

/** A turn of the event loop. A timer, not setImmediate: it exists on every runtime. */
export const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The least and the most rows a step may take. */
export type StepBounds = { readonly min: number; readonly max: number };

/**
 * The next step's size from the previous one's and how long it took: scaled toward `targetMs`, by
 * at most half or double at a time (one slow step does not swing it), within `bounds`.
 */
export function nextStepSize(
  size: number,
  tookMs: number,
  targetMs: number,
  bounds: StepBounds,
): number {
  const factor = Math.min(2, Math.max(0.5, targetMs / Math.max(tookMs, 1)));
  return Math.round(Math.min(bounds.max, Math.max(bounds.min, size * factor)));
}
