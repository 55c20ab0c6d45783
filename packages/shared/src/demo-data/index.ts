export { generateDemoData, myNumberCheckDigit, DEMO_SEED, type DemoData, type FeaturedCase } from './generate.js';
export { demoMunicipalities, demoPolicies, demoHolidays, demoTaxYears } from './municipalities.js';
export { hardSurnames } from './names.js';
export { drawSealPng, encodeGrayAlphaPng, toBase64 } from './png.js';
export { featuredCaseLabels, featuredLabelsOf } from './featured-labels.js';
export { demoClockStart } from './demo-clock.js';
