import { MadoguchiError, type CertificateData } from '@madoguchi/shared';
import type { TemplateContext, TemplateOutput } from './template.js';
import { residenceRecordTemplate } from './residence-record.js';

export function applyTemplate(ctx: TemplateContext, data: CertificateData): TemplateOutput {
  switch (data.certificateType) {
    case 'residenceRecord':
    case 'residenceItemsCertificate':
      return residenceRecordTemplate(ctx, data);
    default:
      throw new MadoguchiError('ISSUANCE_RENDER_FAILED', `no template for ${data.certificateType}`);
  }
}
