import type { CertificateData } from '@madoguchi/shared';
import { addressHistoryTemplate } from './address-history.js';
import { familyRegisterTemplate } from './family-register.js';
import { residenceRecordTemplate } from './residence-record.js';
import { sealCertificateTemplate } from './seal-certificate.js';
import { taxCertificateTemplate } from './tax-certificate.js';
import type { TemplateContext, TemplateOutput } from './template.js';

export function applyTemplate(ctx: TemplateContext, data: CertificateData): TemplateOutput {
  switch (data.certificateType) {
    case 'residenceRecord':
    case 'residenceItemsCertificate':
      return residenceRecordTemplate(ctx, data);
    case 'sealCertificate':
      return sealCertificateTemplate(ctx, data);
    case 'familyRegisterFull':
    case 'familyRegisterIndividual':
      return familyRegisterTemplate(ctx, data);
    case 'familyRegisterAddressHistory':
      return addressHistoryTemplate(ctx, data);
    case 'taxCertificate':
      return taxCertificateTemplate(ctx, data);
  }
}
