/** 印鑑登録証明書: the registered 印影 (printed black), 登録番号, 氏名, 旧氏, 生年月日, 性別 (per municipality), 住所. */
import { MadoguchiError, type CertificateData } from '@madoguchi/shared';
import { mm, SEAL_IMPRESSION, TYPOGRAPHY } from '../layout/layout-profile.js';
import { row, spacer, type Block, type Cell } from '../layout/blocks.js';
import { keepTogether } from '../layout/composite.js';
import { decodeInkImage } from '../pdf/ink-image.js';
import type { TemplateContext, TemplateOutput } from './template.js';
import { eraDate, fullName, kanaName, sexLabel, westernDate } from './text-format.js';

type SealData = Extract<CertificateData, { certificateType: 'sealCertificate' }>;

export function sealCertificateTemplate(ctx: TemplateContext, data: SealData): TemplateOutput {
  const { c, g } = ctx;
  // Defence in depth: eligibility refuses cancelled registrations; the renderer never prints one.
  if (data.registration.status !== 'active') throw new MadoguchiError('ELIGIBILITY_NO_SEAL_REGISTRATION', 'registration is not active');
  if (data.registration.residentId !== data.resident.residentId)
    throw new MadoguchiError('ISSUANCE_DOCUMENT_MISMATCH', 'seal registration belongs to another resident');
  ctx.images.set('Inkan', decodeInkImage(data.registration.sealImagePng, undefined, { keep: false }));
  const r = data.resident;
  const box = mm(SEAL_IMPRESSION.boxMm);
  const gap = SEAL_IMPRESSION.gap;
  const imageBlock: Block = {
    height: box + 2 * gap,
    draw(cb, top) {
      const x = (g.left + g.right) / 2 - box / 2;
      cb.rect(x, top - box - gap, box, box, TYPOGRAPHY.sealFrameRule);
      const inner = box - mm(SEAL_IMPRESSION.insetMm);
      cb.image('Inkan', x + (box - inner) / 2, top - box - gap + (box - inner) / 2, inner, inner);
    },
  };
  const cells: Cell[][] = [
    [{ label: '登録番号', value: data.registration.registrationNumber }],
    [{ label: '氏名', value: fullName(r.name), ruby: g.profile.showFurigana ? kanaName(r.name) : undefined, field: 'name' }],
  ];
  if (r.formerSurname) cells.push([{ label: '旧氏', value: r.formerSurname, field: 'formerSurname' }]);
  if (r.foreign?.alias) cells.push([{ label: '通称', value: r.foreign.alias, field: 'alias' }]);
  const birth: Cell[] = [{ label: '生年月日', value: r.foreign ? westernDate(r.birthDate) : eraDate(r.birthDate), weight: 2 }];
  if (g.profile.sealCertificateShowsSex) birth.push({ label: '性別', value: sexLabel(r.sex) });
  cells.push(birth);
  cells.push([{ label: '住所', value: data.address, field: 'address' }]);
  const body: Block[] = [imageBlock, spacer(6), keepTogether(cells.map((cs) => row(c, g, cs)))];
  return { title: '印鑑登録証明書', header: [], body, certification: ctx.input.policy.fixedTexts.sealCertificate };
}
