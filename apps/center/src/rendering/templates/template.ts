/** What a certificate template gives the page frame: a title, repeated header rows, body blocks, and the 認証文. */
import type { RenderInput } from '@madoguchi/shared';
import type { Block, Geometry } from '../layout/blocks.js';
import type { ContentBuilder } from '../pdf/content-builder.js';
import type { InkImage } from '../pdf/ink-image.js';

export interface TemplateContext {
  /** Used to measure and fit text while blocks are made. */
  c: ContentBuilder;
  g: Geometry;
  input: RenderInput;
  /** Images a block draws by name (`Do`); the frame embeds them. */
  images: Map<string, InkImage>;
}

export interface TemplateOutput {
  title: string;
  header: Block[];
  body: Block[];
  certification: string;
}
