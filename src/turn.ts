// A turn of the event loop for long work done in steps. On Node the embedded database driver runs
// each statement on the event loop: without a turn between steps, a request arriving meanwhile (a
// vote, a sign-in) waits for the whole work. A timer, not setImmediate: it exists on every runtime.
export const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
