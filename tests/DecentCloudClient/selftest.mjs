#!/usr/bin/env node
// Checks the client against Decent Cloud's own test vectors and a loopback server. `npm run selftest`.
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ed25519ph } from '@noble/curves/ed25519';
import {
	ED25519_SIGN_CONTEXT,
	bytesToHex,
	publicKeyHex,
	signMessage,
	signRequest,
	verifySignature
} from './client.mjs';
import * as website from './website-calls.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
let failures = 0;
async function check(name, fn) {
	try {
		await fn();
		console.log(`ok   ${name}`);
	} catch (e) {
		failures++;
		console.log(`FAIL ${name}\n     ${e?.stack ?? e}`);
	}
}

// 1. api/src/auth/tests.rs test_actual_failing_signature_from_curl / test_signature_crypto_only
await check('known request vector verifies (ed25519ph, context decent-cloud)', () => {
	const ok = verifySignature(
		'4f16b64a096a48252fc4d9a11393778d84e95fcf6868b72b9d2b344d4b103386',
		'e6cd8399dffffbf4971415fcb3e27600b1377b20d3fcfee6ac6a16cf47129ce63ebb38b7a8f9e73e231a1af1aa48261a34218461d533087a50ae927ebc88ce09',
		'1763841226767000000',
		'613a7ce4-e8b7-45d2-9b6d-04f6208f6093',
		'GET',
		'/api/v1/provider/rental-requests/pending',
		''
	);
	assert.equal(ok, true);
});

await check('known request vector fails when any signed field changes', () => {
	const args = [
		'4f16b64a096a48252fc4d9a11393778d84e95fcf6868b72b9d2b344d4b103386',
		'e6cd8399dffffbf4971415fcb3e27600b1377b20d3fcfee6ac6a16cf47129ce63ebb38b7a8f9e73e231a1af1aa48261a34218461d533087a50ae927ebc88ce09',
		'1763841226767000000',
		'613a7ce4-e8b7-45d2-9b6d-04f6208f6093',
		'GET',
		'/api/v1/provider/rental-requests/pending',
		''
	];
	for (const [i, v] of [[2, '1763841226767000001'], [4, 'get'], [5, '/provider/rental-requests/pending'], [6, '{}']]) {
		const changed = [...args];
		changed[i] = v;
		assert.equal(verifySignature(...changed), false, `field ${i} = ${v}`);
	}
	// plain Ed25519 (no prehash) or no context must not verify either
	const msg = new TextEncoder().encode(args[2] + args[3] + args[4] + args[5]);
	assert.equal(ed25519ph.verify(args[1], msg, args[0]), false);
});

// 2. website/src/lib/services/auth-api.test.ts 'produces signature matching Rust backend'
await check('cross-platform vector: seed 0..31 -> pubkey and signature match website/Rust tests', () => {
	const seedHex = bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => i));
	assert.equal(publicKeyHex(seedHex), '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8');
	const sig = ed25519ph.sign(new TextEncoder().encode('test message for cross-platform verification'), Uint8Array.from({ length: 32 }, (_, i) => i), {
		context: ED25519_SIGN_CONTEXT
	});
	assert.equal(
		bytesToHex(sig),
		'a2aca8ef6760241fc2b254447b9320f03fffaaa11f60365b33455b5d664abc0172627ce2258cdbde7e2eddbe20bda46e008f8041ffb61515e7f4e5a8fdab3f0f'
	);
});

const seedHex = '0f'.repeat(32);

await check('sign mode prints the same deterministic signature as signMessage; query string not signed', () => {
	const out = execFileSync(process.execPath, [
		`${here}client.mjs`, 'sign', seedHex, '1763841226767000000', '613a7ce4-e8b7-45d2-9b6d-04f6208f6093',
		'PUT', '/api/v1/providers/me/notification-config?x=1', '{"notifyTelegram":true}'
	]).toString().trim();
	assert.match(out, /^[0-9a-f]{128}$/);
	assert.equal(out, signMessage(seedHex, '1763841226767000000', '613a7ce4-e8b7-45d2-9b6d-04f6208f6093', 'PUT', '/api/v1/providers/me/notification-config', '{"notifyTelegram":true}'));
	assert.equal(
		verifySignature(publicKeyHex(seedHex), out, '1763841226767000000', '613a7ce4-e8b7-45d2-9b6d-04f6208f6093', 'PUT', '/api/v1/providers/me/notification-config', '{"notifyTelegram":true}'),
		true
	);
});

await check('signRequest: headers, nanosecond timestamp, UUID nonce, JSON body', () => {
	const before = BigInt(Date.now()) * 1_000_000n;
	const { headers, body } = signRequest(seedHex, 'POST', '/api/v1/providers/me/notification-test', { channel: 'email' });
	assert.deepEqual(Object.keys(headers), ['X-Public-Key', 'X-Signature', 'X-Timestamp', 'X-Nonce', 'Content-Type']);
	assert.equal(body, '{"channel":"email"}');
	assert.equal(headers['Content-Type'], 'application/json');
	assert.match(headers['X-Timestamp'], /^\d{19}$/);
	assert.ok(BigInt(headers['X-Timestamp']) >= before);
	assert.equal(BigInt(headers['X-Timestamp']) % 1_000_000n, 0n, 'millisecond clock times 1e6');
	assert.match(headers['X-Nonce'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	assert.equal(signRequest(seedHex, 'GET', '/x').body, '');
	assert.equal(signRequest(seedHex, 'POST', '/x', {}).body, '{}');
});

// 3. Loopback server that checks requests like api/src/auth.rs and answers like the Rust API.
const received = [];
let configStored = null;
const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const body = Buffer.concat(chunks).toString('utf8');
		const h = req.headers;
		const path = req.url.split('?')[0];
		const valid = verifySignature(h['x-public-key'], h['x-signature'], h['x-timestamp'], h['x-nonce'], req.method, path, body);
		received.push({ method: req.method, url: req.url, headers: h, body, valid });
		const json = (status, obj) => {
			res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
			res.end(JSON.stringify(obj));
		};
		if (!valid) {
			res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
			return res.end('Invalid signature: Signature verification failed: signature error');
		}
		if (path === '/api/v1/providers/me/notification-config' && req.method === 'GET') {
			return json(200, { success: true, data: configStored ?? { notifyTelegram: false, notifyEmail: false, notifySms: false } });
		}
		if (path === '/api/v1/providers/me/notification-config' && req.method === 'PUT') {
			configStored = JSON.parse(body);
			return json(200, { success: true, data: 'Notification configuration updated successfully' });
		}
		if (path === '/api/v1/providers/me/notification-test') {
			return json(200, { success: true, data: { sent: false, message: 'No notification config found' } });
		}
		if (path === '/api/v1/providers/me/notification-usage') {
			return json(200, { success: false, error: 'Failed to fetch usage data' });
		}
		if (path === '/error-envelope') return json(500, { success: false, error: 'db down' });
		return json(404, { success: false, error: 'not here' });
	});
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

await check('client.mjs GET: signed path includes /api/v1, Content-Type sent, no body, no cookies', async () => {
	received.length = 0;
	const r = await runCliAsync('client.mjs', [base, seedHex, 'GET', '/api/v1/providers/me/notification-config']);
	assert.equal(r.code, 0);
	assert.deepEqual(r.out, { status: 200, body: { success: true, data: { notifyTelegram: false, notifyEmail: false, notifySms: false } } });
	const got = received[0];
	assert.equal(got.valid, true);
	assert.equal(got.url, '/api/v1/providers/me/notification-config');
	assert.equal(got.headers['content-type'], 'application/json');
	assert.equal(got.headers['x-public-key'], publicKeyHex(seedHex));
	assert.equal(got.body, '');
	assert.equal(got.headers.cookie, undefined);
});

await check('client.mjs PUT: body bytes sent verbatim and signed; text bodies reported as text', async () => {
	received.length = 0;
	const raw = '{ "notifyTelegram": true,"notifyEmail":false, "notifySms":false, "telegramChatId":"-100123" }';
	const r = await runCliAsync('client.mjs', [base, seedHex, 'put', '/api/v1/providers/me/notification-config', raw]);
	assert.equal(r.code, 0);
	assert.equal(r.out.status, 200);
	assert.equal(received[0].method, 'PUT');
	assert.equal(received[0].body, raw);
	assert.equal(received[0].valid, true);
	const fixed = await runCliAsync('client.mjs', [base, seedHex, 'GET', '/api/v1/providers/me/notification-config'], {
		DC_TIMESTAMP_NS: '1763841226767000000', DC_NONCE: '613a7ce4-e8b7-45d2-9b6d-04f6208f6093'
	});
	assert.equal(fixed.code, 0);
	assert.equal(received.at(-1).headers['x-timestamp'], '1763841226767000000');
	assert.equal(received.at(-1).headers['x-signature'],
		signMessage(seedHex, '1763841226767000000', '613a7ce4-e8b7-45d2-9b6d-04f6208f6093', 'GET', '/api/v1/providers/me/notification-config', ''));
	const text = await runCliAsync('client.mjs', [base + 'prefix', seedHex, 'GET', '/api/v1/providers/me/notification-config']);
	assert.deepEqual(text.out, { status: 401, body: 'Invalid signature: Signature verification failed: signature error' });
	const unreachable = await runCliAsync('client.mjs', ['http://127.0.0.1:1', seedHex, 'GET', '/api/v1/x']);
	assert.equal(unreachable.code, 1);
});

await check('website-calls.mjs reproduces notification-api.ts', async () => {
	received.length = 0;
	configStored = null;
	assert.deepEqual(await website.getNotificationConfig(base, seedHex), { notifyTelegram: false, notifyEmail: false, notifySms: false });
	await website.updateNotificationConfig(base, seedHex, website.accountPagePayload({
		notifyEmail: true, notifyTelegram: false, notifySms: false, notifyEmailAddress: 'a@b.com', telegramChatId: '', notifyPhone: ''
	}));
	assert.equal(received.at(-1).body, '{"notifyEmail":true,"notifyTelegram":false,"notifySms":false,"notifyEmailAddress":"a@b.com"}');
	await website.updateNotificationConfig(base, seedHex, website.supportPagePayload({
		notifyTelegram: true, notifyEmail: false, notifySms: false, telegramChatId: '', notifyPhone: '+41791234567'
	}));
	assert.equal(received.at(-1).body, '{"notifyTelegram":true,"notifyEmail":false,"notifySms":false,"telegramChatId":""}');
	assert.deepEqual(await website.testNotificationChannel(base, seedHex, 'email'), { sent: false, message: 'No notification config found' });
	assert.equal(received.at(-1).body, '{"channel":"email"}');
	await website.testEscalationNotification(base, seedHex).catch(() => {});
	assert.equal(received.at(-1).body, '{}');
	assert.equal(await website.getNotificationUsage(base, seedHex), null);
	assert.ok(received.every((r) => r.valid));
	const cli = await runCliAsync('website-calls.mjs', [base, seedHex, 'testChannel', 'sms']);
	assert.equal(cli.code, 0);
	assert.equal(cli.out.ok, true);
	assert.deepEqual(cli.out.result, { sent: false, message: 'No notification config found' });
	const save = await runCliAsync('website-calls.mjs', [base, seedHex, 'saveConfig', '{"notifyTelegram":false,"notifyEmail":true,"notifySms":false}']);
	assert.equal(save.code, 0);
	assert.deepEqual(Object.keys(save.out), ['ok', 'requests']);
	// A base URL with a prefix: the server sees a path the client did not sign -> 401 text/plain
	const unauth = await runCliAsync('website-calls.mjs', [base + 'prefix', seedHex, 'getConfig']);
	assert.equal(unauth.code, 0);
	assert.deepEqual([unauth.out.ok, unauth.out.error], [false, 'Failed to get notification config (HTTP 401)']);
	const err = await website.testNotificationChannel(base + 'prefix', seedHex, 'email').catch((e) => e.message);
	assert.equal(err, 'Failed to test notification (HTTP 401)');
});

server.close();
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);

// execFileSync would block the loopback server in this process; run children asynchronously.
async function runCliAsync(file, args, env = {}) {
	const { execFile } = await import('node:child_process');
	return new Promise((resolve) => {
		execFile(process.execPath, [`${here}${file}`, ...args], { env: { ...process.env, ...env } }, (err, stdout) => {
			let out;
			try {
				out = JSON.parse(stdout);
			} catch {
				out = stdout;
			}
			resolve({ code: err ? err.code : 0, out });
		});
	});
}
