import { connect } from "node:net";

/**
 * A POST over a raw socket: the answer is taken as soon as it has arrived, while the body may still
 * be going out (a server that refuses early stops reading it, and closes the connection after).
 */
export function rawPost(
  port: number,
  path: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const all: Record<string, string> = {
    host: "127.0.0.1",
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    ...headers,
  };
  const head = `POST ${path} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
  return new Promise((done, fail) => {
    let received = Buffer.alloc(0);
    let answered = false;
    // Written piece by piece, as a real client does, reading the answer in between.
    const bytes = Buffer.from(body);
    const send = async () => {
      socket.write(head);
      for (let at = 0; at < bytes.length && !answered && socket.writable; at += 64 * 1024) {
        if (!socket.write(bytes.subarray(at, at + 64 * 1024)))
          await new Promise((r) => socket.once("drain", r).once("close", r));
      }
    };
    const socket = connect(port, "127.0.0.1", () => void send());
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString("utf8");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0 || answered) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (received.length < Buffer.byteLength(text.slice(0, end + 4)) + length) return;
      answered = true;
      done({
        status: Number(text.slice(9, 12)),
        text: text.slice(end + 4, end + 4 + length),
        ms: performance.now() - started,
      });
      socket.destroy();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (!answered)
        fail(new Error(`connection closed without an answer: ${received.toString().slice(0, 200)}`));
    });
  });
}
