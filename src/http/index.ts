export {
  signBundleUrl,
  verifyBundleSignature,
  parseSignatureQuery,
  computeBundleSignature,
  bundlePath,
  signatureQuerySchema,
  SIGNATURE_LENGTH,
  BUNDLE_ROUTE_PREFIX,
  type SignatureCheck,
  type SignatureQuery,
} from "./sign.js";
export {
  startHttpServer,
  DATABASE_STATES,
  DISCORD_STATES,
  type BundleSource,
  type DatabaseHealth,
  type DiscordHealth,
  type HealthBody,
  type HealthSnapshot,
  type HttpServerOptions,
  type RunningHttpServer,
} from "./server.js";
