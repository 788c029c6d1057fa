// Byte-level checks on an uploaded CSV before it is parsed: size limit, binary content, UTF-8,
// and the separator (`;` or `,`) read from the header line.

export class MalformedFile extends Error {
  override name = "MalformedFile";
  constructor(
    message: string,
    /** 422: well-formed CSV that holds nothing to import (a header alone). */
    readonly status: 400 | 413 | 422 = 400,
  ) {
    super(message);
  }
}

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/**
 * Passes bytes through unchanged, failing the stream as soon as the file is too large, contains
 * a NUL byte (a binary file: spreadsheet, image, archive) or is not valid UTF-8.
 */
export function guardBytes(maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  let total = 0;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        throw new MalformedFile(
          `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; split it and import each part.`,
          413,
        );
      }
      if (chunk.includes(0)) {
        throw new MalformedFile(
          "This is a binary file, not CSV text. Export the sheet as “CSV UTF-8” and import that.",
        );
      }
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        throw new MalformedFile(
          "The file is not UTF-8 text. Save it as “CSV UTF-8” (comma or semicolon separated) and import it again.",
        );
      }
      controller.enqueue(chunk);
    },
    flush() {
      try {
        decoder.decode();
      } catch {
        throw new MalformedFile(
          "The file is not UTF-8 text: it ends in the middle of a character.",
        );
      }
    },
  });
}

const PEEK_LIMIT = 64 * 1024;

/**
 * Reads the start of the stream (up to the end of the header line), picks the separator the
 * header uses most outside quotes, and returns a stream that still begins at byte 0.
 */
export async function detectSeparator(
  stream: ReadableStream<Uint8Array>,
): Promise<{ separator: ";" | ","; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let text = "";
  const decoder = new TextDecoder();
  let done = false;
  while (!done && !text.includes("\n") && text.length < PEEK_LIMIT) {
    const next = await reader.read();
    if (next.done) done = true;
    else {
      head.push(next.value);
      text += decoder.decode(next.value, { stream: true });
    }
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ";") semicolons++;
    else if (!quoted && ch === ",") commas++;
  }
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
      if (done) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { separator: semicolons > commas ? ";" : ",", stream: rest };
}
