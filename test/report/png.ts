// Enough of PNG to look at a screenshot's pixels (8-bit RGB or RGBA, as Chromium writes them): the
// browser test asks whether a picture is blank.
import { inflateSync } from 'node:zlib';

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row by row */
  rgba: Uint8Array;
}

export function decodePng(png: Uint8Array): Pixels {
  const b = Buffer.from(png);
  if (b.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at < b.length) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const data = b.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 2 && data[9] !== 6) || data[12] !== 0) throw new Error('only 8-bit RGB(A), not interlaced');
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? cur[i - channels] : 0;
      const up = prev[i];
      const ul = i >= channels ? prev[i - channels] : 0;
      const p = left + up - ul;
      const pred = [
        0,
        left,
        up,
        (left + up) >> 1,
        Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - ul) ? left : Math.abs(p - up) <= Math.abs(p - ul) ? up : ul,
      ][filter];
      cur[i] = (line[i] + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out.set(cur.subarray(x * channels, x * channels + 3), o);
      out[o + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** The share of pixels that are not the background (the top-left pixel's colour), and how many colours there are. */
export function inked(p: Pixels): { share: number; colours: number } {
  const view = new DataView(p.rgba.buffer, p.rgba.byteOffset, p.rgba.byteLength);
  const bg = view.getUint32(0);
  let ink = 0;
  const colours = new Set<number>();
  for (let o = 0; o < p.rgba.length; o += 4) {
    const c = view.getUint32(o);
    colours.add(c);
    if (c !== bg) ink++;
  }
  return { share: ink / (p.width * p.height), colours: colours.size };
}
