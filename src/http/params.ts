// Route and form parameters that name a row: a positive integer of at most 15 digits, or nothing.
export const idParam = (raw: string | undefined | null): number | undefined =>
  raw && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
