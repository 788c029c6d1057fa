// Reading a request body with a size limit enforced while it streams in: a chunked upload (no
// Content-Length to check first) is cut at the limit instead of being read whole.

/** The body went past its limit; reading stopped there. */
export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
}

/**
 * `body` as a stream that fails with BodyTooLarge as soon as more than `maxBytes` have passed,
 * and cancels the source then, so the runtime stops receiving the rest.
 */
export function limitedStream(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onTooLarge: () => void = () => {},
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await reader.read();
        if (next.done) return controller.close();
        total += next.value.byteLength;
        if (total > maxBytes) {
          onTooLarge();
          await reader.cancel();
          return controller.error(new BodyTooLarge(`The body is larger than ${maxBytes} bytes.`));
        }
        controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * A multipart or urlencoded form read from `request`, never past `maxBytes`: `"too_large"` when
 * it is larger, `"unreadable"` when it is not a form.
 */
export async function readFormWithin(
  request: Request,
  maxBytes: number,
): Promise<FormData | "too_large" | "unreadable"> {
  if (!request.body) return "unreadable";
  // The form parser may wrap the stream's error in its own: remember the reason here.
  let tooLarge = false;
  const body = limitedStream(request.body, maxBytes, () => {
    tooLarge = true;
  });
  try {
    return await new Request(request.url, {
      method: "POST",
      headers: { "Content-Type": request.headers.get("Content-Type") ?? "" },
      body,
      duplex: "half",
    } as RequestInit).formData();
  } catch {
    return tooLarge ? "too_large" : "unreadable";
  }
}
