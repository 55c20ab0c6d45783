/** Common Japanese names with readings; fictional combinations only. */
export const surnames: readonly [string, string][] = [
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['高橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'],
  ['山本', 'ヤマモト'],
  ['中村', 'ナカムラ'],
  ['小林', 'コバヤシ'],
  ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'],
  ['山田', 'ヤマダ'],
  ['佐々木', 'ササキ'],
  ['山口', 'ヤマグチ'],
  ['松本', 'マツモト'],
  ['井上', 'イノウエ'],
  ['木村', 'キムラ'],
  ['林', 'ハヤシ'],
  ['斎藤', 'サイトウ'],
  ['清水', 'シミズ'],
  ['山崎', 'ヤマザキ'],
  ['森', 'モリ'],
  ['池田', 'イケダ'],
  ['橋本', 'ハシモト'],
  ['阿部', 'アベ'],
  ['石川', 'イシカワ'],
  ['前田', 'マエダ'],
  ['藤田', 'フジタ'],
  ['後藤', 'ゴトウ'],
  ['岡田', 'オカダ'],
];
export const maleGivenNames: readonly [string, string][] = [
  ['太郎', 'タロウ'],
  ['一郎', 'イチロウ'],
  ['健', 'ケン'],
  ['翔太', 'ショウタ'],
  ['大輔', 'ダイスケ'],
  ['誠', 'マコト'],
  ['隆', 'タカシ'],
  ['浩二', 'コウジ'],
  ['蓮', 'レン'],
  ['悠真', 'ユウマ'],
  ['湊', 'ミナト'],
  ['陽翔', 'ハルト'],
  ['茂', 'シゲル'],
  ['博', 'ヒロシ'],
  ['勇', 'イサム'],
];
export const femaleGivenNames: readonly [string, string][] = [
  ['花子', 'ハナコ'],
  ['陽子', 'ヨウコ'],
  ['美咲', 'ミサキ'],
  ['恵子', 'ケイコ'],
  ['由美', 'ユミ'],
  ['さくら', 'サクラ'],
  ['結衣', 'ユイ'],
  ['葵', 'アオイ'],
  ['陽菜', 'ヒナ'],
  ['和子', 'カズコ'],
  ['幸子', 'サチコ'],
  ['真由美', 'マユミ'],
  ['凛', 'リン'],
  ['芽依', 'メイ'],
  ['智子', 'トモコ'],
];

/**
 * Hard names: IVS variation sequences and characters outside JIS X 0208. Each must be printed with a
 * font that has the exact glyph (IPAmj明朝) or refused — never a substitute.
 */
export const hardSurnames: readonly { family: string; familyKana: string; note: string }[] = [
  { family: '葛\u{E0100}西', familyKana: 'カサイ', note: 'IVS: 葛 U+845B with VS17 (MJ glyph)' },
  { family: '辻\u{E0101}', familyKana: 'ツジ', note: 'IVS: 辻 U+8FBB with VS18 (one-dot shinnyō)' },
  { family: '髙橋', familyKana: 'タカハシ', note: '髙 U+9AD9: JIS X 0213, not JIS X 0208' },
  { family: '𠮷田', familyKana: 'ヨシダ', note: '𠮷 U+20BB7: outside the BMP, JIS X 0213 plane 2' },
  { family: '山﨑', familyKana: 'ヤマザキ', note: '﨑 U+FA11: CJK compatibility ideograph, not JIS X 0208' },
  { family: '德永', familyKana: 'トクナガ', note: '德 U+5FB7: JIS X 0213' },
];

export const foreignResidents: readonly {
  family: string;
  given: string;
  familyKana: string;
  givenKana: string;
  nationality: string;
  status: string;
  period: string;
}[] = [
  {
    family: 'NGUYEN',
    given: 'VAN AN',
    familyKana: 'グエン',
    givenKana: 'ヴァン アン',
    nationality: 'ベトナム',
    status: '技術・人文知識・国際業務',
    period: '3年',
  },
  {
    family: 'WANG',
    given: 'XIAOMING',
    familyKana: 'ワン',
    givenKana: 'シャオミン',
    nationality: '中国',
    status: '永住者',
    period: '無期限',
  },
  {
    family: 'SILVA',
    given: 'ANA BEATRIZ',
    familyKana: 'シルバ',
    givenKana: 'アナ ベアトリス',
    nationality: 'ブラジル',
    status: '定住者',
    period: '5年',
  },
  {
    family: 'SANTOS',
    given: 'MARIA CLARA',
    familyKana: 'サントス',
    givenKana: 'マリア クララ',
    nationality: 'フィリピン',
    status: '日本人の配偶者等',
    period: '3年',
  },
  { family: 'KIM', given: 'MINJUN', familyKana: 'キム', givenKana: 'ミンジュン', nationality: '韓国', status: '留学', period: '2年3月' },
  {
    family: 'SMITH',
    given: 'JOHN DAVID',
    familyKana: 'スミス',
    givenKana: 'ジョン デイビッド',
    nationality: '英国',
    status: '教授',
    period: '5年',
  },
];
