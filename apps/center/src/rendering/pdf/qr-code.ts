/** The verification QR code, drawn as vector squares (no image to decode, crisp at any printer resolution). */
import QRCode from 'qrcode';
import { num } from './content-builder.js';

export function qrOps(text: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
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
