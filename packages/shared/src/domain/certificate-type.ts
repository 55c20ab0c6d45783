import { z } from 'zod';

/** Every certificate the product knows. Names follow the glossary in ARCHITECTURE.md. */
export const certificateTypes = [
  'residenceRecord', // 住民票の写し
  'residenceItemsCertificate', // 住民票記載事項証明書
  'sealCertificate', // 印鑑登録証明書
  'familyRegisterFull', // 戸籍全部事項証明書
  'familyRegisterIndividual', // 戸籍個人事項証明書
  'familyRegisterAddressHistory', // 戸籍の附票の写し
  'taxCertificate', // 税証明書
] as const;
export const CertificateType = z.enum(certificateTypes);
export type CertificateType = z.infer<typeof CertificateType>;

/** 所得・課税 / 非課税 / 納税 */
export const taxCertificateKinds = ['income', 'nonTaxable', 'payment'] as const;
export const TaxCertificateKind = z.enum(taxCertificateKinds);
export type TaxCertificateKind = z.infer<typeof TaxCertificateKind>;

/** What a kiosk function is, for hours and outages: issuing, or applying for 本籍地 use. */
export const KioskFunction = z.enum(['issuance', 'domicileRegistration']);
export type KioskFunction = z.infer<typeof KioskFunction>;

export const certificateTypeLabels: Record<CertificateType, { ja: string; en: string }> = {
  residenceRecord: { ja: '住民票の写し', en: 'Copy of residence record' },
  residenceItemsCertificate: { ja: '住民票記載事項証明書', en: 'Certificate of residence record items' },
  sealCertificate: { ja: '印鑑登録証明書', en: 'Seal registration certificate' },
  familyRegisterFull: { ja: '戸籍全部事項証明書', en: 'Family register (all members)' },
  familyRegisterIndividual: { ja: '戸籍個人事項証明書', en: 'Family register (individual)' },
  familyRegisterAddressHistory: { ja: '戸籍の附票の写し', en: 'Family register address history' },
  taxCertificate: { ja: '税証明書', en: 'Tax certificate' },
};

export const taxCertificateKindLabels: Record<TaxCertificateKind, { ja: string; en: string }> = {
  income: { ja: '所得・課税証明書', en: 'Income and tax assessment certificate' },
  nonTaxable: { ja: '非課税証明書', en: 'Tax exemption certificate' },
  payment: { ja: '納税証明書', en: 'Tax payment certificate' },
};

/** The certificate types whose data lives with the 本籍地 (domicile), not the 住所地. */
export function isFamilyRegisterType(type: CertificateType): boolean {
  return type === 'familyRegisterFull' || type === 'familyRegisterIndividual' || type === 'familyRegisterAddressHistory';
}
