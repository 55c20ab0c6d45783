/** The verification QR code, drawn as vector squares (no image to decode, crisp at any printer resolution). */
import QRCode from 'qrcode';
import { num } from './content-builder.js';

export function qrOps(text: string, x: number, y: number, size: number): string {
  // One byte-mode segment and a fixed mask: the library's optimal segmentation and mask search
  // cost ~9 ms per code; any mask is valid, and the payload is short ASCII.
  const qr = QRCode.create([{ data: Buffer.from(text, 'latin1'), mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 2 } as QRCode.QRCodeOptions);
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + quiet * 2);
  const ops: string[] = ['q', `1 g ${num(x)} ${num(y)} ${num(size)} ${num(size)} re f`, '0 g'];
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && qr.modules.get(r, c)) c++;
      const px = x + (start + quiet) * cell;
      const py = y + size - (r + quiet + 1) * cell;
      ops.push(`${num(px)} ${num(py)} ${num((c - start) * cell)} ${num(cell)} re`);
    }
  }
  ops.push('f', 'Q');
  return ops.join('\n');
}
