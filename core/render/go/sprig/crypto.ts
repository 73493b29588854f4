import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
  X509Certificate,
} from "node:crypto";
import { argInt, argString } from "../args.ts";
import { GoError, type GoFunc, type GoType, type GoValue, STRING, Typed } from "../values.ts";
import { arity, MAX_RANDOM_LENGTH } from "./misc.ts";

/**
 * Sprig's hashes, encodings and crypto. Pure except for randomness. Certificate generation (genCA,
 * genSelfSignedCert, genSignedCert and their WithKey forms) needs an X.509 builder that node:crypto
 * does not have; a sidecar template has no use for a fresh CA, so these exist (a template naming them
 * parses, as in istiod) and fail when called. bcrypt (and htpasswd, built on it) fail the same way:
 * node:crypto has no bcrypt. See docs/go-templates.md.
 */

const str1 =
  (name: string, f: (s: string) => GoValue): GoFunc =>
  (...args) => {
    arity(name, args, 1);
    return f(argString(args[0], name));
  };

const hash = (alg: string) => (s: string) => createHash(alg).update(s, "utf8").digest("hex");

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

// ---------------------------------------------------------------------------------------------------
// Go's encoding/base64 and encoding/base32 StdEncoding decoders, whose error text Sprig returns as the
// decoded value ("illegal base64 data at input byte 4"), so the byte offsets must be Go's.

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

class CorruptInput extends Error {
  constructor(
    readonly kind: string,
    readonly at: number,
  ) {
    super(`illegal ${kind} data at input byte ${at}`);
  }
}

export function decodeBase64(s: string): Uint8Array {
  const src = Buffer.from(s, "utf8");
  const out: number[] = [];
  const nl = (c: number | undefined) => c === 10 || c === 13;
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: number | undefined;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        throw new CorruptInput("base64", si - j);
      }
      const c = src[si++] as number;
      const v = B64.indexOf(String.fromCharCode(c));
      if (c < 128 && v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (nl(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d || j < 2) throw new CorruptInput("base64", si - 1);
      if (j === 2) {
        while (si < src.length && nl(src[si])) si++;
        if (si === src.length) throw new CorruptInput("base64", src.length);
        if (src[si] !== 0x3d) throw new CorruptInput("base64", si - 1);
        si++;
      }
      while (si < src.length && nl(src[si])) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      done = true;
      break;
    }
    const val =
      ((dbuf[0] as number) << 18) |
      ((dbuf[1] as number) << 12) |
      ((dbuf[2] as number) << 6) |
      (dbuf[3] as number);
    const bytes = [(val >> 16) & 255, (val >> 8) & 255, val & 255];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing !== undefined) throw new CorruptInput("base64", trailing);
    if (done) break;
  }
  return Uint8Array.from(out);
}

export function decodeBase32(s: string): Uint8Array {
  const src = Buffer.from(s.replace(/[\r\n]/g, ""), "utf8");
  const olen = src.length;
  const out: number[] = [];
  let p = 0;
  let end = false;
  while (p < src.length && !end) {
    const d = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (p === src.length) throw new CorruptInput("base32", olen - (src.length - p) - j);
      const c = src[p++] as number;
      const left = src.length - p;
      if (c === 0x3d && j >= 2 && left < 8) {
        if (left + j < 7) throw new CorruptInput("base32", olen);
        for (let k = 0; k < 7 - j; k++) {
          if (left > k && src[p + k] !== 0x3d) throw new CorruptInput("base32", olen - left + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) throw new CorruptInput("base32", olen - left - 1);
        break;
      }
      const v = c < 128 ? B32.indexOf(String.fromCharCode(c)) : -1;
      if (v < 0) throw new CorruptInput("base32", olen - left - 1);
      d[j++] = v;
    }
    const [a, b, c, e, f, g, h, i] = d as [number, number, number, number, number, number, number, number];
    const bytes = [
      ((a << 3) | (b >> 2)) & 255,
      ((b << 6) | (c << 1) | (e >> 4)) & 255,
      ((e << 4) | (f >> 1)) & 255,
      ((f << 7) | (g << 2) | (h >> 3)) & 255,
      ((h << 5) | i) & 255,
    ];
    out.push(...bytes.slice(0, { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen] ?? 0));
  }
  return Uint8Array.from(out);
}

function decodedOrError(f: (s: string) => Uint8Array): (s: string) => string {
  return (s) => {
    try {
      return Buffer.from(f(s)).toString("utf8");
    } catch (e) {
      if (e instanceof CorruptInput) return e.message;
      throw e;
    }
  };
}

// ---------------------------------------------------------------------------------------------------
// Master Password (derivePassword), as Sprig implements it

const MP_SEED = "com.lyndir.masterpassword";
const MP_TEMPLATES: Record<string, string[]> = {
  maximum: ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
  long: [
    "CvcvnoCvcvCvcv",
    "CvcvCvcvnoCvcv",
    "CvcvCvcvCvcvno",
    "CvccnoCvcvCvcv",
    "CvccCvcvnoCvcv",
    "CvccCvcvCvcvno",
    "CvcvnoCvccCvcv",
    "CvcvCvccnoCvcv",
    "CvcvCvccCvcvno",
    "CvcvnoCvcvCvcc",
    "CvcvCvcvnoCvcc",
    "CvcvCvcvCvccno",
    "CvccnoCvccCvcv",
    "CvccCvccnoCvcv",
    "CvccCvccCvcvno",
    "CvcvnoCvccCvcc",
    "CvcvCvccnoCvcc",
    "CvcvCvccCvccno",
    "CvccnoCvcvCvcc",
    "CvccCvcvnoCvcc",
    "CvccCvcvCvccno",
  ],
  medium: ["CvcnoCvc", "CvcCvcno"],
  short: ["Cvcn"],
  basic: ["aaanaaan", "aannaaan", "aaannaaa"],
  pin: ["nnnn"],
};
const MP_CHARS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

export function derivePassword(
  counter: number,
  type: string,
  password: string,
  user: string,
  site: string,
): string {
  const templates = MP_TEMPLATES[type];
  if (!templates || !Object.hasOwn(MP_TEMPLATES, type)) return `cannot find password template ${type}`;
  const userB = Buffer.from(user, "utf8");
  const siteB = Buffer.from(site, "utf8");
  const salt = Buffer.concat([Buffer.from(MP_SEED), u32(userB.length), userB]);
  const key = scryptSync(Buffer.from(password, "utf8"), salt, 64, {
    N: 32768,
    r: 8,
    p: 2,
    maxmem: 80 * 1024 * 1024,
  });
  const seed = createHmac("sha256", key)
    .update(Buffer.concat([Buffer.from(MP_SEED), u32(siteB.length), siteB, u32(counter)]))
    .digest();
  const temp = templates[(seed[0] as number) % templates.length] as string;
  let out = "";
  for (let i = 0; i < temp.length; i++) {
    const chars = MP_CHARS[temp[i] as string] as string;
    out += chars[(seed[i + 1] as number) % chars.length];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Keys and certificates

const CERT_TYPE: GoType = {
  kind: "struct",
  name: "sprig.certificate",
  fields: [
    { go: "Cert", json: "Cert", type: STRING },
    { go: "Key", json: "Key", type: STRING },
  ],
};

function generatePrivateKey(typ: string): string {
  switch (typ) {
    case "rsa":
      return generateKeyPairSync("rsa", { modulusLength: 4096 }).privateKey.export({
        type: "pkcs1",
        format: "pem",
      }) as string;
    case "ecdsa":
      return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
        type: "sec1",
        format: "pem",
      }) as string;
    case "ed25519":
      return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    case "dsa":
      throw new GoError("genPrivateKey: Outrigger does not generate DSA keys in templates");
    default:
      return `Unknown type ${typ}`;
  }
}

function pemBlock(text: string): { type: string; body: string } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  return m ? { type: m[1] as string, body: m[0] } : undefined;
}

function buildCustomCert(b64cert: string, b64key: string): GoValue {
  let cert: string;
  let key: string;
  try {
    cert = Buffer.from(decodeBase64(b64cert)).toString("utf8");
  } catch {
    throw new GoError("unable to decode base64 certificate");
  }
  try {
    key = Buffer.from(decodeBase64(b64key)).toString("utf8");
  } catch {
    throw new GoError("unable to decode base64 private key");
  }
  const block = pemBlock(cert);
  if (!block) throw new GoError("unable to decode certificate");
  try {
    new X509Certificate(block.body);
  } catch (e) {
    throw new GoError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  const kb = pemBlock(key);
  if (!kb) throw new GoError("error parsing private key: no PEM data in input");
  if (!["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"].includes(kb.type))
    throw new GoError(`error parsing private key: invalid private key type ${kb.type}`);
  try {
    createPrivateKey(kb.body);
  } catch (e) {
    throw new GoError(`error parsing private key: ${(e as Error).message}`);
  }
  return new Typed(CERT_TYPE, { Cert: cert, Key: key });
}

const noCerts =
  (name: string): GoFunc =>
  () => {
    throw new GoError(
      `${name}: Outrigger does not generate certificates in templates; create them outside and pass them in (buildCustomCert)`,
    );
  };

const unsupported =
  (name: string, why: string): GoFunc =>
  () => {
    throw new GoError(`${name}: ${why}`);
  };

// ---------------------------------------------------------------------------------------------------
// AES-256-CBC with the password as the key (zero-padded to 32 bytes), as Sprig does it

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, "utf8").copy(key, 0, 0, 32);
  return key;
}

export function encryptAES(password: string, plaintext: string): string {
  if (plaintext === "") return "";
  const content = Buffer.from(plaintext, "utf8");
  const pad = 16 - (content.length % 16);
  const iv = randomBytes(16);
  const c = createCipheriv("aes-256-cbc", aesKey(password), iv).setAutoPadding(false);
  const body = Buffer.concat([c.update(Buffer.concat([content, Buffer.alloc(pad, pad)])), c.final()]);
  return Buffer.concat([iv, body]).toString("base64");
}

export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === "") return "";
  let crypt: Buffer;
  try {
    crypt = Buffer.from(decodeBase64(crypt64));
  } catch (e) {
    throw new GoError((e as Error).message);
  }
  // Go panics on these inputs; text/template reports the panic as the call's error.
  if (crypt.length < 16)
    throw new GoError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoError("crypto/cipher: input not full blocks");
  if (body.length === 0) throw new GoError("runtime error: index out of range [-1]");
  const d = createDecipheriv("aes-256-cbc", aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  const cut = plain.length - (plain[plain.length - 1] as number);
  if (cut < 0) throw new GoError(`runtime error: slice bounds out of range [:${cut}]`);
  return plain.subarray(0, cut).toString("utf8");
}

// ---------------------------------------------------------------------------------------------------
// The template functions

export const cryptoFuncs: Record<string, GoFunc> = {
  sha1sum: str1("sha1sum", hash("sha1")),
  sha256sum: str1("sha256sum", hash("sha256")),
  sha512sum: str1("sha512sum", hash("sha512")),
  adler32sum: str1("adler32sum", (s) => String(adler32(Buffer.from(s, "utf8")))),
  b64enc: str1("b64enc", (s) => Buffer.from(s, "utf8").toString("base64")),
  b64dec: str1("b64dec", decodedOrError(decodeBase64)),
  b32enc: str1("b32enc", (s) => encodeBase32(Buffer.from(s, "utf8"))),
  b32dec: str1("b32dec", decodedOrError(decodeBase32)),

  bcrypt: unsupported("bcrypt", "Outrigger has no bcrypt implementation in templates"),
  htpasswd: unsupported("htpasswd", "Outrigger has no bcrypt implementation in templates"),
  derivePassword: (...args) => {
    arity("derivePassword", args, 5);
    const counter = argInt(args[0], "derivePassword");
    if (counter < 0 || counter > 0xffffffff)
      throw new GoError("derivePassword: counter out of range for uint32");
    const [t, p, u, s] = args.slice(1).map((a) => argString(a, "derivePassword")) as [
      string,
      string,
      string,
      string,
    ];
    return derivePassword(counter, t, p, u, s);
  },
  genPrivateKey: str1("genPrivateKey", generatePrivateKey),
  buildCustomCert: (...args) => {
    arity("buildCustomCert", args, 2);
    return buildCustomCert(argString(args[0], "buildCustomCert"), argString(args[1], "buildCustomCert"));
  },
  genCA: noCerts("genCA"),
  genCAWithKey: noCerts("genCAWithKey"),
  genSelfSignedCert: noCerts("genSelfSignedCert"),
  genSelfSignedCertWithKey: noCerts("genSelfSignedCertWithKey"),
  genSignedCert: noCerts("genSignedCert"),
  genSignedCertWithKey: noCerts("genSignedCertWithKey"),
  encryptAES: (...args) => {
    arity("encryptAES", args, 2);
    return encryptAES(argString(args[0], "encryptAES"), argString(args[1], "encryptAES"));
  },
  decryptAES: (...args) => {
    arity("decryptAES", args, 2);
    return decryptAES(argString(args[0], "decryptAES"), argString(args[1], "decryptAES"));
  },
  randBytes: (...args) => {
    arity("randBytes", args, 1);
    const n = argInt(args[0], "randBytes");
    if (n < 0) throw new GoError("runtime error: makeslice: len out of range");
    if (n > MAX_RANDOM_LENGTH)
      throw new GoError(`randBytes: ${n} is above Outrigger's limit of ${MAX_RANDOM_LENGTH}`);
    return randomBytes(n).toString("base64");
  },
};

export function encodeBase32(data: Uint8Array): string {
  let out = "";
  for (let i = 0; i < data.length; i += 5) {
    const chunk = Array.from({ length: 5 }, (_, k) => data[i + k] ?? 0);
    const n = Math.min(5, data.length - i);
    let bits = 0n;
    for (const b of chunk) bits = (bits << 8n) | BigInt(b);
    const chars = Array.from({ length: 8 }, (_, k) => B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)]).join(
      "",
    );
    const keep = { 1: 2, 2: 4, 3: 5, 4: 7, 5: 8 }[n] as number;
    out += chars.slice(0, keep) + "=".repeat(8 - keep);
  }
  return out;
}
