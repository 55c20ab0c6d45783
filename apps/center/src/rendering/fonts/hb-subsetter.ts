/**
 * Glyph subsetting with HarfBuzz (hb-subset compiled to WebAssembly, shipped by harfbuzzjs).
 * Why not pdf-lib's own subsetter: with @pdf-lib/fontkit and `subset: true` most Japanese glyphs
 * silently lose their outlines (about three quarters of BIZ UDMincho's ink, measured) while text
 * extraction still reads the full text — test/rendering/glyph-integrity.test.ts is the check that
 * catches it. Why this shape: the face is created and `hb_subset_preprocess`ed once per process,
 * so a request pays only for copying out its own glyphs (~1–2 ms).
 * Glyphs are renumbered by rank (the caller checks no composite components were added, else it
 * asks again with RETAIN_GIDS).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The slice of the WebAssembly API used here (the center's tsconfig has no DOM lib). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface HbSubsetExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_length(blob: number): number;
  hb_blob_get_data(blob: number, lengthPtr: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_glyph_set(input: number): number;
  hb_subset_input_set(input: number, setType: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_preprocess(face: number): number;
  hb_subset_or_fail(face: number, input: number): number;
  _initialize?: () => void;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_FLAGS_RETAIN_GIDS = 0x2;
/** Glyphs are chosen by id; no GSUB closure is needed (and it is the slow part). */
const HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE = 0x200;
const HB_SUBSET_SETS_DROP_TABLE_TAG = 3;
const DROPPED_TABLES = ['GSUB', 'GPOS', 'GDEF', 'BASE', 'JSTF', 'DSIG', 'vhea', 'vmtx', 'VORG', 'morx', 'kern'];

let wasm: HbSubsetExports | undefined;

function instance(): HbSubsetExports {
  if (wasm) return wasm;
  const require = createRequire(import.meta.url);
  const path = require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm');
  const module = new WebAssembly.Module(readFileSync(path));
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as HbSubsetExports;
  exports._initialize?.();
  wasm = exports;
  return exports;
}

function tag(name: string): number {
  return ((name.charCodeAt(0) << 24) | (name.charCodeAt(1) << 16) | (name.charCodeAt(2) << 8) | name.charCodeAt(3)) >>> 0;
}

/**
 * The preprocessed faces of this process, by the SHA-256 of the font's bytes (HbSubsetFace.shared). A
 * preprocessed BIZ UDMincho takes so much of the one WebAssembly memory that the fifth in a process failed every
 * subset with `hb_subset_or_fail` (hb-faces.test.ts): a test worker that ran several rendering files, each with its
 * own FontSet, did. A handful of fonts at most, kept for the life of the process.
 */
const sharedFaces = new Map<string, HbSubsetFace>();

/** A font face loaded into HarfBuzz once; `subset` is safe to call for many requests in turn. */
export class HbSubsetFace {
  private readonly face: number;
  private destroyed = false;

  /** The process's one preprocessed face of these font bytes, made on first use; never destroyed. */
  static shared(fontBytes: Uint8Array): HbSubsetFace {
    const key = createHash('sha256').update(fontBytes).digest('hex');
    let face = sharedFaces.get(key);
    if (!face) {
      face = new HbSubsetFace(fontBytes, { preprocess: true });
      sharedFaces.set(key, face);
    }
    return face;
  }

  constructor(fontBytes: Uint8Array, options: { preprocess: boolean }) {
    const hb = instance();
    const ptr = hb.malloc(fontBytes.byteLength);
    new Uint8Array(hb.memory.buffer, ptr, fontBytes.byteLength).set(fontBytes);
    // WRITABLE: HarfBuzz owns the copy and frees it (via `free`) when the blob dies.
    const blob = hb.hb_blob_create(ptr, fontBytes.byteLength, HB_MEMORY_MODE_WRITABLE, ptr, 0);
    const face = hb.hb_face_create(blob, 0);
    hb.hb_blob_destroy(blob);
    if (options.preprocess) {
      this.face = hb.hb_subset_preprocess(face);
      hb.hb_face_destroy(face);
    } else {
      this.face = face;
    }
  }

  /** A TrueType font holding exactly `glyphIds` (plus .notdef and composite components), ids retained. */
  subset(glyphIds: Iterable<number>, retainGids = true): Uint8Array {
    if (this.destroyed) throw new Error('subset face destroyed');
    const hb = instance();
    const input = hb.hb_subset_input_create_or_fail();
    if (!input) throw new Error('hb_subset_input_create_or_fail');
    try {
      const glyphs = hb.hb_subset_input_glyph_set(input);
      for (const gid of glyphIds) hb.hb_set_add(glyphs, gid);
      const drop = hb.hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
      for (const t of DROPPED_TABLES) hb.hb_set_add(drop, tag(t));
      hb.hb_subset_input_set_flags(input, (retainGids ? HB_SUBSET_FLAGS_RETAIN_GIDS : 0) | HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE);
      const subsetFace = hb.hb_subset_or_fail(this.face, input);
      if (!subsetFace) throw new Error('hb_subset_or_fail');
      const blob = hb.hb_face_reference_blob(subsetFace);
      const dataPtr = hb.hb_blob_get_data(blob, 0);
      const length = hb.hb_blob_get_length(blob);
      // Copy out before destroying: the wasm memory is reused by the next call.
      const out = new Uint8Array(hb.memory.buffer, dataPtr, length).slice();
      hb.hb_blob_destroy(blob);
      hb.hb_face_destroy(subsetFace);
      return out;
    } finally {
      hb.hb_subset_input_destroy(input);
    }
  }

  destroy(): void {
    if (this.destroyed || [...sharedFaces.values()].includes(this)) return;
    this.destroyed = true;
    instance().hb_face_destroy(this.face);
  }
}
