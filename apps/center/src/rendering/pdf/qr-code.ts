/** The verification QR code, drawn as vector squares (no image to decode, crisp at any printer resolution). */
import QRCode from 'qrcode';
import { num } from './content-builder.js';

/** The drawing of `text` as a QR code filling `rect` (the verifier rebuilds it byte for byte). */
export function qrOps(text: string, rect: { x: number; y: number; size: number }): string {
  const { x, y, size } = rect;
  // One byte-mode segment and a fixed mask: the library's optimal segmentation and mask search
  // cost ~9 ms per code; any mask is valid, and the payload is short ASCII.
  const qr = QRCode.create([{ data: Buffer.from(text, 'latin1'), mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 2 } as QRCode.QRCodeOptions);
  const n = qr.modules.size;
  // ISO/IEC 18004: a quiet zone of 4 modules on every side.
  const quiet = 4;
  const total = n + quiet * 2;
  const cell = size / total;
  // Modules are drawn in module units (integers) under one scaling matrix: cheap to write.
  const ops: string[] = ['q', `1 g ${num(x)} ${num(y)} ${num(size)} ${num(size)} re f`, `${num(cell)} 0 0 ${num(cell)} ${num(x)} ${num(y)} cm`, '0 g'];
  const data = qr.modules.data;
  for (let r = 0; r < n; r++) {
    let c = 0;
    const row = total - quiet - 1 - r;
    while (c < n) {
      if (!data[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && data[r * n + c]) c++;
      ops.push(`${start + quiet} ${row} ${c - start} 1 re`);
    }
  }
  ops.push('f', 'Q');
  return ops.join('\n');
}
