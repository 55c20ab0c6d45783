/**
 * Pictures drawn into <canvas> rather than loaded from URLs: the enrolment QR code (qrcode draws
 * it from the otpauth:// URI, which never leaves the page) and seal images (decoded from their
 * bytes with createImageBitmap).
 */
import { useEffect, useRef } from 'react';
import QRCode from 'qrcode';

export function QrCanvas({ text, label }: { text: string; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) void QRCode.toCanvas(canvas.current, text, { width: 220, margin: 2, errorCorrectionLevel: 'M' });
  }, [text]);
  return <canvas ref={canvas} role="img" aria-label={label} className="qr" />;
}

export function ImageCanvas({ bytes, label, maxSize = 160 }: { bytes: Uint8Array<ArrayBuffer>; label: string; maxSize?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let cancelled = false;
    void createImageBitmap(new Blob([bytes]))
      .then((bitmap) => {
        const target = canvas.current;
        if (cancelled || !target) return;
        const scale = Math.min(1, maxSize / Math.max(bitmap.width, bitmap.height));
        target.width = Math.round(bitmap.width * scale);
        target.height = Math.round(bitmap.height * scale);
        target.getContext('2d')?.drawImage(bitmap, 0, 0, target.width, target.height);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [bytes, maxSize]);
  return <canvas ref={canvas} role="img" aria-label={label} className="seal-image" />;
}
