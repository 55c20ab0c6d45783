import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { encodeQr, qrOps } from './qr-code.js';

/** The symbol the `qrcode` package makes for one byte-mode segment, level M, mask 2 (what issued documents carry). */
function reference(text: string): { size: number; modules: number[] } {
  const qr = QRCode.create([{ data: Buffer.from(text, 'latin1'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: 2,
  } as QRCode.QRCodeOptions);
  return { size: qr.modules.size, modules: Array.from(qr.modules.data, (v) => (v ? 1 : 0)) };
}

/** Deterministic pseudo-random latin1 text (every byte value occurs). */
function text(length: number, seed: number): string {
  let s = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < length; i++) {
    s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5;
    s >>>= 0;
    out += String.fromCharCode(s & 0xff);
  }
  return out;
}

describe('verification QR encoder', () => {
  it('gives the qrcode package’s symbol at every version boundary and across lengths', () => {
    const lengths = new Set<number>();
    // Capacities (byte mode, level M) of versions 1–40, and their neighbours.
    const capacities = [
      14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857, 911, 997, 1059, 1125,
      1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
    ];
    for (const c of capacities) for (const d of [-1, 0, 1]) if (c + d >= 1 && c + d <= 2331) lengths.add(c + d);
    for (let n = 1; n <= 460; n += 7) lengths.add(n);
    for (const n of lengths) {
      const t = text(n, n * 7919);
      const ours = encodeQr(t);
      const ref = reference(t);
      expect(ours.size, `length ${n}`).toBe(ref.size);
      expect(Array.from(ours.modules), `length ${n}`).toEqual(ref.modules);
    }
  });

  it('draws a verification URL exactly as before', () => {
    const url = `https://verify.example.jp/verify?p=MDG1.${'eyJraWQiOiJiZW5jaCIsIm4iOiLnrKww'.repeat(7)}.${'A'.repeat(86)}`;
    const rect = { x: 42.52, y: 50.52, size: 70.87 };
    const ref = reference(url);
    const n = ref.size;
    const total = n + 8;
    const cell = rect.size / total;
    const fmt = (v: number) => String(Math.round(v * 1000) / 1000);
    const ops = [
      'q',
      `1 g ${fmt(rect.x)} ${fmt(rect.y)} ${fmt(rect.size)} ${fmt(rect.size)} re f`,
      `${fmt(cell)} 0 0 ${fmt(cell)} ${fmt(rect.x)} ${fmt(rect.y)} cm`,
      '0 g',
    ];
    for (let r = 0; r < n; r++) {
      let c = 0;
      while (c < n) {
        if (!ref.modules[r * n + c]) {
          c++;
          continue;
        }
        const start = c;
        while (c < n && ref.modules[r * n + c]) c++;
        ops.push(`${start + 4} ${total - 5 - r} ${c - start} 1 re`);
      }
    }
    ops.push('f', 'Q');
    expect(qrOps(url, rect)).toBe(ops.join('\n'));
  });

  it('refuses text no version holds', () => {
    expect(() => encodeQr('x'.repeat(2332))).toThrow();
  });
});
