/**
 * 戸籍全部事項証明書 / 個人事項証明書 in the computerised-register style: 【本籍】【氏名】, 戸籍事項,
 * then each recorded person with 身分事項. Long registers run over several pages; every page
 * carries the same issue number with its own n/N.
 */
import type { CertificateData, FamilyRegisterPerson } from '@madoguchi/shared';
import { row, spacer, textLine, type Block } from '../layout/blocks.js';
import { TYPOGRAPHY } from '../layout/layout-profile.js';
import type { TemplateContext, TemplateOutput } from './template.js';
import { eraDate, fullName, kanaName } from './text-format.js';

const { personItem, eventDetail, eventHeading } = TYPOGRAPHY.indent;

type RegisterData = Extract<CertificateData, { certificateType: 'familyRegisterFull' | 'familyRegisterIndividual' }>;

function divider(ctx: TemplateContext): Block {
  const { g } = ctx;
  return {
    height: TYPOGRAPHY.divider.height,
    draw(c, top) {
      c.line(g.left, top - TYPOGRAPHY.divider.ruleAt, g.right, top - TYPOGRAPHY.divider.ruleAt, TYPOGRAPHY.rule);
    },
  };
}

function personBlocks(ctx: TemplateContext, p: FamilyRegisterPerson): Block[] {
  const { c, g } = ctx;
  const out: Block[] = [
    divider(ctx),
    textLine(c, g, p.removed ? '戸籍に記録されている者\u3000\u3000除籍' : '戸籍に記録されている者', { size: g.profile.bodySize }),
  ];
  out.push(textLine(c, g, `【名】${p.name.given || p.name.family}`, { indent: personItem, field: 'name' }));
  if (p.name.givenKana) out.push(textLine(c, g, `【名の振り仮名】${p.name.givenKana}`, { indent: personItem, field: 'kana' }));
  out.push(textLine(c, g, `【生年月日】${eraDate(p.birthDate)}`, { indent: personItem }));
  if (p.spouseRole) out.push(textLine(c, g, `【配偶者区分】${p.spouseRole}`, { indent: personItem }));
  if (p.father) out.push(textLine(c, g, `【父】${p.father}`, { indent: personItem, field: 'father' }));
  if (p.mother) out.push(textLine(c, g, `【母】${p.mother}`, { indent: personItem, field: 'mother' }));
  out.push(textLine(c, g, `【続柄】${p.relationship}`, { indent: personItem }));
  out.push(textLine(c, g, '身分事項', { indent: 0 }));
  for (const e of p.events) {
    out.push(textLine(c, g, e.label, { indent: eventHeading }));
    for (const [label, value] of e.details) out.push(textLine(c, g, `【${label}】${value}`, { indent: eventDetail, field: label }));
  }
  return out;
}

export function familyRegisterTemplate(ctx: TemplateContext, data: RegisterData): TemplateOutput {
  const { c, g } = ctx;
  const reg = data.register;
  const header: Block[] = [
    row(c, g, [{ label: '本籍', value: reg.domicileAddress, field: 'domicile' }]),
    row(c, g, [{ label: '氏名', value: fullName(reg.headName), ruby: kanaName(reg.headName), field: 'headName' }]),
    spacer(4),
  ];
  const body: Block[] = [textLine(c, g, '戸籍事項')];
  for (const [label, value] of reg.registerEvents) body.push(textLine(c, g, `【${label}】${value}`, { indent: eventDetail, field: label }));
  for (const p of data.persons) body.push(...personBlocks(ctx, p));
  body.push(divider(ctx), textLine(c, g, '以下余白', { indent: 0 }));
  const full = data.certificateType === 'familyRegisterFull';
  return {
    title: full ? '全部事項証明書' : '個人事項証明書',
    header,
    body,
    certification: full
      ? 'これは、戸籍に記録されている事項の全部を証明した書面である。'
      : 'これは、戸籍中の一部の者について記録されている事項を証明した書面である。',
  };
}
