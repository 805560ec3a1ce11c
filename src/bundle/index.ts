export { buildBundle, newestAddedAt, BUNDLE_ENTRY_NAMES, type BundleFile, type BundleOptions, type BundleResult } from "./build.js";
export { BundleStore, type BundleInfo, type BundleSnapshot } from "./store.js";
export { BUNDLE_FILE_NAME, BUNDLE_FOLDER } from "./common.js";
export { escapeBibtex, bibtexAuthors, bibtexKeys } from "./bibtex.js";
export { csvField, CSV_HEADER } from "./tables.js";
export { escapeMarkdown } from "./markdown.js";
export { shQuote, pdfDownloads } from "./script.js";
export { writeZip, toDosDateTime, type ZipInputEntry } from "./zip.js";
