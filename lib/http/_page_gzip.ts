// A shared page (shared_pages.ts) gzipped once: each stretch between its nonces deflated on its own and
// each nonce left as a stored (uncompressed) block, so that an answer is those bytes with its own nonce
// written in and the trailer's CRC-32 made again, a few µs where gzipping the page costs tens. Loaded
// by the first request that takes gzip, not at start.
import { constants, crc32, deflateRawSync } from "node:zlib";
// @ts-types="npm:@types/negotiator@0.6.5"
import Negotiator from "negotiator";

/** A page's gzip with room for its nonces. */
export interface PageGzip {
  bytes: Uint8Array<ArrayBuffer>;
  /** Where each nonce goes in `bytes`. */
  nonceAt: number[];
  /** Where the CRC-32 of the page goes. */
  crcAt: number;
}

/** RFC 1952's member header: deflate, no name, no time, Unix. */
const HEADER = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];

/** Whether a request with this Accept-Encoding takes gzip rather than the page as it is. */
export function takesGzip(acceptEncoding: string): boolean {
  return new Negotiator({ headers: { "accept-encoding": acceptEncoding } })
    .encoding(["gzip", "identity"]) === "gzip";
}

/** The gzip of `parts` joined by nonces of `nonceLength` bytes (at most 65,535), the nonces left blank. */
export function pageGzip(parts: Uint8Array[], nonceLength: number): PageGzip {
  const chunks: Uint8Array[] = [];
  const nonceAt: number[] = [];
  let at = 0;
  const add = (chunk: Uint8Array) => {
    chunks.push(chunk);
    at += chunk.length;
  };
  add(Uint8Array.from(HEADER));
  parts.forEach((part, i) => {
    if (i > 0) {
      // A stored block (BFINAL 0, BTYPE 00) of LEN bytes, then ~LEN: the deflate before it ended on a
      // byte, flushed, and the next part is deflated afresh, so no match reaches across the nonce.
      add(
        Uint8Array.of(
          0,
          nonceLength & 0xff,
          nonceLength >> 8,
          ~nonceLength & 0xff,
          (~nonceLength >> 8) & 0xff,
        ),
      );
      nonceAt.push(at);
      add(new Uint8Array(nonceLength));
    }
    const last = i === parts.length - 1;
    add(deflateRawSync(part, {
      level: constants.Z_BEST_COMPRESSION,
      finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
    }));
  });
  const crcAt = at;
  const length = parts.reduce((sum, part) => sum + part.length, 0) +
    nonceLength * (parts.length - 1);
  const trailer = new Uint8Array(8);
  new DataView(trailer.buffer).setUint32(4, length >>> 0, true);
  add(trailer);
  const bytes = new Uint8Array(at);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes, nonceAt, crcAt };
}

/** `gzip` of `parts` with `nonce` between each two. */
export function gzipWithNonce(
  gzip: PageGzip,
  parts: Uint8Array[],
  nonce: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const bytes = gzip.bytes.slice();
  let crc = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) {
      bytes.set(nonce, gzip.nonceAt[i - 1]);
      crc = crc32(nonce, crc);
    }
    crc = crc32(parts[i], crc);
  }
  new DataView(bytes.buffer).setUint32(gzip.crcAt, crc, true);
  return bytes;
}
