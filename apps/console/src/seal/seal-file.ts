/**
 * What the page checks before a 公印 image is sent: the same limits the center applies (the
 * center decodes the image and is the authority), so a wrong file gets its message at once.
 */
import { MAX_SEAL_IMAGE_BYTES } from '@madoguchi/shared';

export type SealFileProblem = 'notPng' | 'tooLarge' | 'empty';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((byte, i) => bytes[i] === byte);

/**
 * By content, not by the file's name or declared type: a renamed file is still refused. PNG only,
 * as the center takes (a JPEG's lossy artefacts would print as specks through the ink mask).
 */
export function sealFileProblem(bytes: Uint8Array): SealFileProblem | null {
  if (bytes.length === 0) return 'empty';
  if (bytes.length > MAX_SEAL_IMAGE_BYTES) return 'tooLarge';
  if (!startsWith(bytes, PNG)) return 'notPng';
  return null;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
