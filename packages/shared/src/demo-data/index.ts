export { generateDemoData, myNumberCheckDigit, DEMO_SEED, type DemoData, type DemoWorldSize, type FeaturedCase } from './generate.js';
export { scaledMunicipalities } from './scaled-municipalities.js';
export { demoMunicipalities, demoPolicies, demoHolidays, demoTaxYears } from './municipalities.js';
export { hardSurnames } from './names.js';
export { drawSealPng, encodeGrayAlphaPng, toBase64 } from './png.js';
export { featuredCaseLabels, featuredLabelsOf } from './featured-labels.js';
export { demoClockStart } from './demo-clock.js';
export {
  planDemoHistory,
  demoHistoryPeriod,
  demoHistoryChains,
  demoHistoryKiosks,
  dayWeight,
  japanDatesBetween,
  DEMO_HISTORY_SEED,
  type HistoryEnding,
  type HistoryKiosk,
  type PlannedRequest,
  type PlannedVisit,
} from './history-plan.js';
