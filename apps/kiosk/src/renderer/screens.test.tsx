/**
 * Every screen rendered from a real view (server-side, no DOM needed): the stable test hooks are
 * there, the PIN pad shows only what main sent, and the words follow the view's language.
 */
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { BRIDGE_VERSION, KioskLanguage, KioskScreen, errorCatalog, yen, type KioskView } from '@madoguchi/shared';
import { KioskScreenView } from './App.js';
import { catalogs, createKioskI18n } from './i18n/index.js';

createKioskI18n();

const base: KioskView = {
  bridgeVersion: BRIDGE_VERSION,
  revision: 1,
  screen: 'idle',
  language: 'ja',
  readerStatus: 'ready',
  cardPresent: true,
  keypad: ['7', '3', '0', '9', '1', '5', '8', '2', '6', '4'],
  pinLength: 2,
  pinTriesLeft: 3,
  municipalityName: '東京都中央区',
  menu: [
    { certificateType: 'residenceRecord', available: true, feeYen: yen(200), maxCopies: 10, allowDomicile: true },
    { certificateType: 'sealCertificate', available: false, refusal: 'ELIGIBILITY_NO_SEAL_REGISTRATION' },
  ],
  householdMembers: [{ residentId: 'r1', displayName: '山田 太郎', relationship: '世帯主' }],
  selected: { certificateType: 'residenceRecord', options: {}, copies: 2 },
  quote: { feeYen: 200, totalYen: 400, copies: 2 },
  paidYen: 100,
  error: { code: 'ELIGIBILITY_PENDING_MOVE_OUT', message: errorCatalog.ELIGIBILITY_PENDING_MOVE_OUT.ja },
  refundYen: 400,
  printedDocuments: 2,
};

const render = (patch: Partial<KioskView>) =>
  renderToStaticMarkup(<KioskScreenView view={{ ...base, ...patch }} send={async () => true} />);
const buttons = (html: string) =>
  [...html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)].map((m) => ({ attrs: m[1] ?? '', text: (m[2] ?? '').replace(/<[^>]+>/g, '') }));

describe('kiosk screens', () => {
  for (const screen of KioskScreen.options) {
    it(`renders ${screen} with data-screen="${screen}" on its root`, () => {
      const html = render({ screen });
      expect(html.match(/data-screen="([^"]+)"/g)).toEqual([`data-screen="${screen}"`]);
      expect(html).toMatch(/<h1[^>]*>[^<]+<\/h1>/);
    });
  }

  it('draws the keypad in the order main sent, names each key by its label, and shows only the count', () => {
    const html = render({ screen: 'pin' });
    const keys = buttons(html).filter((b) => /^\d$/.test(b.text));
    expect(keys.map((k) => k.text)).toEqual(base.keypad);
    expect(html.match(/class="dot filled"/g)).toHaveLength(2);
    expect(html.match(/class="dot"/g)).toHaveLength(2);
    const submit = buttons(html).find((b) => b.text === '決定');
    expect(submit?.attrs).toContain('disabled');
    expect(buttons(render({ screen: 'pin', pinLength: 4 })).find((b) => b.text === '決定')?.attrs).not.toContain('disabled');
  });

  it('warns before the card locks', () => {
    expect(render({ screen: 'pin', pinTriesLeft: 3 })).not.toContain('pin-tries-left');
    expect(render({ screen: 'pin', pinTriesLeft: 1 })).toContain('あと1回間違えると');
  });

  it('greys out an unavailable certificate with its reason, and shows fees of the others', () => {
    const html = render({ screen: 'menu' });
    const seal = buttons(html).find((b) => b.attrs.includes('data-certificate-type="sealCertificate"'));
    expect(seal?.attrs).toContain('disabled');
    // The reason is said once per group of refused certificates, and each of them points at it.
    const reasonId = /aria-describedby="([^"]+)"/.exec(seal!.attrs)![1]!;
    const reason = new RegExp(`id="${reasonId}"[^>]*>(.*?)</p>`).exec(html)?.[1];
    expect(reason).toContain(errorCatalog.ELIGIBILITY_NO_SEAL_REGISTRATION.ja);
    const residence = buttons(html).find((b) => b.attrs.includes('data-certificate-type="residenceRecord"'));
    expect(residence?.attrs).not.toContain('disabled');
    expect(residence?.text).toContain('住民票の写し');
    expect(residence?.text).toContain('200円');
  });

  it('keeps the Japanese certificate name beside the resident’s language', () => {
    const html = render({ screen: 'menu', language: 'pt' });
    expect(html).toContain('住民票の写し');
    expect(html).toContain(catalogs.pt.certificates.residenceRecord);
    expect(buttons(html).find((b) => b.attrs.includes('cancel'))?.text).toBe('Cancelar中止');
  });

  it('shows the amount due as a test hook, asks for cash in the machine, and has cash buttons only in the demo panel', () => {
    const html = render({ screen: 'payment' });
    expect(html).toMatch(/data-testid="amount-due" data-yen="400">400円</);
    expect(html).toContain(catalogs.ja.payment.insertIntoMachine);
    expect(html).not.toContain('data-yen="500"');
    const demo = render({ screen: 'payment', demoCards: [{ cardId: 'c1', label: 'Demo' }] });
    const panel = demo.slice(demo.indexOf('data-demo-panel'));
    expect(panel).toContain('data-yen="500"');
    // Not on the resident's screen, and not in the panel on other screens.
    expect(demo.slice(0, demo.indexOf('data-demo-panel'))).not.toContain('data-yen="500"');
    expect(render({ screen: 'menu', demoCards: [{ cardId: 'c1', label: 'Demo' }] })).not.toContain('data-yen="500"');
  });

  it('shows the demo panel only when the view carries demo cards', () => {
    expect(render({ screen: 'idle' })).not.toContain('data-demo-panel');
    const html = render({ screen: 'idle', cardPresent: false, demoCards: [{ cardId: 'demo-0001', label: '山田 太郎' }] });
    expect(html).toContain('data-demo-panel');
    expect(buttons(html).find((b) => b.attrs.includes('data-card-id="demo-0001"'))?.text).toBe('山田 太郎');
  });

  it('maps an error code through the catalogs in languages main does not localise', () => {
    const html = render({ screen: 'refused', language: 'vi' });
    expect(html).toContain(catalogs.vi.errors.ELIGIBILITY_PENDING_MOVE_OUT);
    expect(html).toContain('ELIGIBILITY_PENDING_MOVE_OUT');
  });

  it('offers to choose again after a refusal only while there is a menu', () => {
    expect(buttons(render({ screen: 'refused' })).map((b) => b.text)).toContain('証明書の選択に戻る');
    expect(buttons(render({ screen: 'refused', menu: undefined })).map((b) => b.text)).not.toContain('証明書の選択に戻る');
  });

  describe('本籍地 registration', () => {
    const domicileMenu: Partial<KioskView> = {
      screen: 'menu',
      menu: [...base.menu!, { certificateType: 'familyRegisterFull', available: false, refusal: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' }],
      domicileRegistration: { status: 'notApplied', canApply: true, domicileMunicipalityName: '千代田区' },
    };
    const applyButton = (html: string) => buttons(html).find((b) => b.attrs.includes('data-testid="apply-domicile-registration"'));

    it('offers the application on the menu where a 戸籍 item is refused for want of it', () => {
      expect(applyButton(render(domicileMenu))?.text).toBe('本籍地の利用登録を申請する');
      // The reason is said once, by the refused group the offer sits in.
      expect(render(domicileMenu)).toContain(errorCatalog.ELIGIBILITY_DOMICILE_NOT_REGISTERED.ja);
      expect(render(domicileMenu)).not.toContain(catalogs.ja.domicile.menuNote);
      // Not offered without a refused 戸籍 item, nor when the center says the resident cannot apply.
      expect(applyButton(render({ ...domicileMenu, menu: base.menu }))).toBeUndefined();
      expect(applyButton(render({ screen: 'menu' }))).toBeUndefined();
      const refused = render({
        ...domicileMenu,
        domicileRegistration: { status: 'notApplied', canApply: false, refusal: 'DOMICILE_NOT_PARTICIPATING' },
      });
      expect(applyButton(refused)).toBeUndefined();
      expect(refused).toContain(errorCatalog.DOMICILE_NOT_PARTICIPATING.ja);
    });

    it('says a pending application is waiting for approval instead of offering it again', () => {
      const html = render({
        ...domicileMenu,
        domicileRegistration: { status: 'pending', canApply: false, refusal: 'DOMICILE_REGISTRATION_PENDING' },
      });
      expect(applyButton(html)).toBeUndefined();
      expect(html).toContain(catalogs.ja.domicile.pending);
    });

    for (const language of KioskLanguage.options) {
      it(`explains in ${language} that approval takes some days before applying`, () => {
        const words = catalogs[language].domicile;
        const menu = render({ ...domicileMenu, language });
        expect(menu).toContain(words.apply);
        const confirm = render({ ...domicileMenu, screen: 'domicileConfirm', language, error: undefined });
        expect(confirm).toContain(words.confirmHeading);
        expect(confirm).toMatch(
          new RegExp(`data-testid="domicile-approval-days">${words.approvalTakesDays.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}<`),
        );
        expect(confirm).toContain('千代田区');
        expect(buttons(confirm).find((b) => b.attrs.includes('data-testid="confirm-domicile-registration"'))?.text).toBe(words.confirm);
        expect(render({ ...domicileMenu, screen: 'domicileApplied', language })).toContain(words.appliedLead);
      });
    }

    it('shows a refusal on the confirmation screen with only the way back', () => {
      const html = render({
        ...domicileMenu,
        screen: 'domicileConfirm',
        domicileRegistration: { status: 'pending', canApply: false },
        error: { code: 'DOMICILE_REGISTRATION_PENDING', message: errorCatalog.DOMICILE_REGISTRATION_PENDING.ja },
      });
      expect(html).toContain(errorCatalog.DOMICILE_REGISTRATION_PENDING.ja);
      expect(buttons(html).find((b) => b.attrs.includes('confirm-domicile-registration'))).toBeUndefined();
      expect(buttons(html).map((b) => b.text)).toContain('戻るBack');
    });
  });

  it('shows the refund after a failure once paid', () => {
    expect(render({ screen: 'error' })).toContain('400円を返却しました');
  });
});
