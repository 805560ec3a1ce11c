export {
  signBundleUrl,
  verifyBundleSignature,
  createSignatureVerifier,
  parseSignatureQuery,
  computeBundleSignature,
  bundlePath,
  signatureQuerySchema,
  SIGNATURE_LENGTH,
  BUNDLE_ROUTE_PREFIX,
  type SignatureCheck,
  type SignatureQuery,
} from "../bundle/sign.js";
export { startHttpServer, type BundleSource, type HttpServerOptions, type RunningHttpServer } from "./server.js";
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from "./limits.js";
export {
  DATABASE_STATES,
  DISCORD_STATES,
  type DatabaseHealth,
  type DiscordHealth,
  type HealthBody,
  type HealthSnapshot,
} from "./health.js";
