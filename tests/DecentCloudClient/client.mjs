#!/usr/bin/env node
// Signs and sends one request exactly as the Decent Cloud website does.
//
// Mirrors decent-stuff/decent-cloud @ 13dda9dee3c85a422983beaab485b0a7d8e0f2b6:
//   website/src/lib/services/auth-api.ts   (signRequest, bytesToHex)
//   website/src/lib/services/api.ts        (API_BASE_URL: trailing slashes stripped, path appended)
// Verified against api/src/auth.rs + common/src/api_auth.rs (server side).
//
// Usage:
//   node client.mjs <baseUrl> <seedHex> <method> <path> [jsonBody]
//       -> prints {"status": <http status>, "body": <parsed JSON body or text>}; exit 0,
//          exit 1 only when fetch itself fails (network error), exit 2 on bad arguments.
//   node client.mjs sign <seedHex> <timestampNs> <nonce> <method> <path> [body]
//       -> prints the signature hex (128 chars)
//   node client.mjs pubkey <seedHex>
//       -> prints the X-Public-Key hex (64 chars)
//
// Optional environment overrides (for tests only; the website never does this):
//   DC_TIMESTAMP_NS  use this X-Timestamp instead of Date.now() * 1e6
//   DC_NONCE         use this X-Nonce instead of crypto.randomUUID()
//   DC_ORIGIN        add an Origin header (as a browser on that origin would; not signed)

import { ed25519ph } from '@noble/curves/ed25519';
import { pathToFileURL } from 'node:url';

/** Same as auth-api.ts: `new TextEncoder().encode('decent-cloud')`. */
export const ED25519_SIGN_CONTEXT = new TextEncoder().encode('decent-cloud');

/** Same as auth-api.ts bytesToHex: lower-case, two digits per byte. */
export function bytesToHex(bytes) {
	return Array.from(bytes)
		.map((b) => b.toString(16).padStart(2, '0'))
		.join('');
}

export function hexToBytes(hex) {
	if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
		throw new Error(`Invalid hex string: ${JSON.stringify(hex)}`);
	}
	const bytes = new Uint8Array(hex.length / 2);
	for (let i = 0; i < hex.length; i += 2) {
		bytes[i / 2] = parseInt(hex.substring(i, i + 2), 16);
	}
	return bytes;
}

/**
 * The 32-byte Ed25519 seed. The website signs with
 * `identity.getKeyPair().secretKey.slice(0, 32)`, so a 64-byte (seed || public key)
 * secret key is accepted too and cut to its first 32 bytes, like the website does.
 */
export function seedFromHex(seedHex) {
	const bytes = hexToBytes(seedHex);
	if (bytes.length !== 32 && bytes.length !== 64) {
		throw new Error(`Seed must be 32 bytes (or a 64-byte secret key), got ${bytes.length}`);
	}
	return bytes.slice(0, 32);
}

/** X-Public-Key: hex of the raw 32-byte Ed25519 public key. */
export function publicKeyHex(seedHex) {
	return bytesToHex(ed25519ph.getPublicKey(seedFromHex(seedHex)));
}

/** auth-api.ts: string bodies are sent as is, other truthy values JSON.stringify'd, falsy ones become ''. */
export function serializeBody(bodyData) {
	if (typeof bodyData === 'string') return bodyData;
	if (bodyData) return JSON.stringify(bodyData);
	return '';
}

/** The bytes that are signed: UTF-8 of timestamp + nonce + method + path-without-query + body. */
export function signedMessage(timestampNs, nonce, method, path, body) {
	const pathWithoutQuery = path.split('?')[0];
	return new TextEncoder().encode(String(timestampNs) + nonce + method + pathWithoutQuery + body);
}

/**
 * Ed25519ph (SHA-512 prehash) with context 'decent-cloud' over signedMessage(...); returns hex.
 * Deterministic, so a C# signer given the same inputs must produce the same hex.
 */
export function signMessage(seedHex, timestampNs, nonce, method, path, body = '') {
	const message = signedMessage(timestampNs, nonce, method, path, body);
	const signature = ed25519ph.sign(message, seedFromHex(seedHex), { context: ED25519_SIGN_CONTEXT });
	return bytesToHex(signature);
}

/** ed25519ph.verify with context 'decent-cloud' (what the server does in DccIdentity::verify). */
export function verifySignature(publicKeyHexStr, signatureHex, timestampNs, nonce, method, path, body = '') {
	const message = signedMessage(timestampNs, nonce, method, path, body);
	return ed25519ph.verify(hexToBytes(signatureHex), message, hexToBytes(publicKeyHexStr), {
		context: ED25519_SIGN_CONTEXT
	});
}

/**
 * auth-api.ts signRequest(identity, method, path, bodyData?, contentType = 'application/json').
 * Returns { headers, body } with the same five headers, in the same order, as the website.
 * `options.timestampNs` / `options.nonce` override the clock / UUID (tests only).
 */
export function signRequest(seedHex, method, path, bodyData, contentType = 'application/json', options = {}) {
	const nonce = options.nonce ?? process.env.DC_NONCE ?? crypto.randomUUID();
	const timestampNs =
		options.timestampNs ?? process.env.DC_TIMESTAMP_NS ?? (BigInt(Date.now()) * BigInt(1_000_000)).toString();
	const body = serializeBody(bodyData);
	const signature = signMessage(seedHex, timestampNs, nonce, method, path, body);
	return {
		headers: {
			'X-Public-Key': publicKeyHex(seedHex),
			'X-Signature': signature,
			'X-Timestamp': String(timestampNs),
			'X-Nonce': nonce,
			'Content-Type': contentType
		},
		body
	};
}

/** api.ts: `VITE_DECENT_CLOUD_API_URL?.replace(/\/+$/, '')`; requests go to `${API_BASE_URL}${path}`. */
export function normalizeBaseUrl(baseUrl) {
	return String(baseUrl).replace(/\/+$/, '');
}

/** Marks errors thrown by fetch() itself, so callers can tell a network failure from an HTTP answer. */
export class NetworkError extends Error {
	constructor(cause) {
		super(cause?.message ?? String(cause), { cause });
		this.name = 'NetworkError';
	}
}

/**
 * signRequest + fetch, as every notification-api.ts function does:
 *   fetch(`${API_BASE_URL}${path}`, { method, headers, body })
 * No `credentials` option (fetch default 'same-origin': no cookies cross-origin), no other headers.
 * The body is passed only when the website passes one (the calls with a body); an empty
 * serialized body is never sent, as for the website's GET/DELETE calls.
 */
export async function websiteFetch(baseUrl, seedHex, method, path, bodyData, options = {}) {
	const { headers, body } = signRequest(seedHex, method, path, bodyData, undefined, options);
	const sendHeaders = { ...headers };
	const origin = options.origin ?? process.env.DC_ORIGIN;
	if (origin) sendHeaders.Origin = origin;
	const init = { method, headers: sendHeaders };
	if (body !== '') init.body = body;
	try {
		return await fetch(`${normalizeBaseUrl(baseUrl)}${path}`, init);
	} catch (e) {
		throw new NetworkError(e);
	}
}

/** Reads a response as the CLI reports it: parsed JSON when it parses, else the text. */
export async function readBody(response) {
	const text = await response.text();
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function usage() {
	process.stderr.write(
		'usage:\n' +
			'  node client.mjs <baseUrl> <seedHex> <method> <path> [jsonBody]\n' +
			'  node client.mjs sign <seedHex> <timestampNs> <nonce> <method> <path> [body]\n' +
			'  node client.mjs pubkey <seedHex>\n'
	);
	process.exit(2);
}

async function main(argv) {
	if (argv[0] === 'sign') {
		if (argv.length < 6 || argv.length > 7) usage();
		const [, seedHex, timestampNs, nonce, method, path, body = ''] = argv;
		process.stdout.write(signMessage(seedHex, timestampNs, nonce, method.toUpperCase(), path, body) + '\n');
		return 0;
	}
	if (argv[0] === 'pubkey') {
		if (argv.length !== 2) usage();
		process.stdout.write(publicKeyHex(argv[1]) + '\n');
		return 0;
	}
	if (argv.length < 4 || argv.length > 5) usage();
	const [baseUrl, seedHex, method, path, jsonBody] = argv;
	// The website only ever uses upper-case method literals; the body string is sent (and signed) verbatim.
	let response;
	try {
		response = await websiteFetch(baseUrl, seedHex, method.toUpperCase(), path, jsonBody ?? '');
	} catch (e) {
		if (e instanceof NetworkError) {
			process.stdout.write(JSON.stringify({ status: 0, error: e.message, cause: String(e.cause?.cause ?? e.cause ?? '') }) + '\n');
			return 1;
		}
		throw e;
	}
	let body;
	try {
		body = await readBody(response);
	} catch (e) {
		// the connection broke while the body was read
		process.stdout.write(JSON.stringify({ status: response.status, error: e?.message ?? String(e) }) + '\n');
		return 1;
	}
	process.stdout.write(JSON.stringify({ status: response.status, body }) + '\n');
	return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(e) => {
			process.stderr.write(`${e?.stack ?? e}\n`);
			process.exit(2);
		}
	);
}
