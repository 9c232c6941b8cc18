#!/usr/bin/env node
// The website's notification-api.ts, one function per website function, translated to plain JS.
//
// Mirrors decent-stuff/decent-cloud @ 13dda9dee3c85a422983beaab485b0a7d8e0f2b6:
//   website/src/lib/services/notification-api.ts   (every exported function, same names, bodies, parsing)
//   website/src/routes/dashboard/account/notifications/+page.svelte  (accountPagePayload)
//   website/src/routes/dashboard/provider/support/+page.svelte       (supportPagePayload)
// The only change: the first argument is (baseUrl, seedHex) instead of an Ed25519KeyIdentity,
// and API_BASE_URL is the given baseUrl (trailing slashes stripped, as api.ts does).
//
// Usage:
//   node website-calls.mjs <baseUrl> <seedHex> <command> [arg]
// commands (short name | website function name):
//   getConfig                 | getNotificationConfig
//   getUsage                  | getNotificationUsage
//   saveConfig '<json>'       | updateNotificationConfig    (json = the `config` object, sent as JSON.stringify(config))
//   saveFromAccountPage '<json form state>'   builds the body as the account notifications page does, then saves
//   saveFromSupportPage '<json page state>'   builds the body as the provider support page does, then saves
//   testChannel <telegram|email|sms> | testNotificationChannel
//   testEscalation            | testEscalationNotification
//   getAutoAccept | setAutoAccept <true|false> | getAutoAcceptRules | createAutoAcceptRule '<json>'
//   updateAutoAcceptRule <id> '<json>' | deleteAutoAcceptRule <id>
// prints one JSON line:
//   {"ok":true,"result":<returned value>}        (no "result" key when the function returns void)
//   {"ok":false,"error":"<Error.message>","errorName":"Error"}   (what the function throws)
// plus "requests": [{method, path, body, status}] describing the HTTP exchanges.
// Exit 0 whenever the function returned or threw from an HTTP answer; 1 on a network error; 2 on bad arguments.

import { pathToFileURL } from 'node:url';
import { websiteFetch, NetworkError, normalizeBaseUrl } from './client.mjs';

/**
 * Per-process trace of the requests made, so callers can see what was sent.
 * Not part of the website; it does not change what the functions do.
 */
export const trace = [];

function makeApi(baseUrl, seedHex) {
	const API_BASE_URL = normalizeBaseUrl(baseUrl);
	// signRequest(identity, METHOD, path, bodyData) + fetch(`${API_BASE_URL}${path}`, {method, headers, body})
	async function send(method, path, bodyData) {
		const response = await websiteFetch(API_BASE_URL, seedHex, method, path, bodyData);
		trace.push({ method, path, body: bodyData === undefined ? null : JSON.stringify(bodyData), status: response.status });
		return response;
	}
	return { send };
}

/** Error handling shared by getNotificationConfig / updateNotificationConfig / auto-accept writes. */
async function errorFromResponse(response, fallback) {
	const text = await response.text().catch(() => '');
	let errorMessage = `${fallback} (HTTP ${response.status})`;
	try {
		const errorData = JSON.parse(text);
		if (errorData.error) {
			errorMessage = errorData.error;
		}
	} catch {
		// ignore parse errors
	}
	return new Error(errorMessage);
}

/** getNotificationConfig(identity): Promise<NotificationConfig | null> */
export async function getNotificationConfig(baseUrl, seedHex) {
	const { send } = makeApi(baseUrl, seedHex);
	const response = await send('GET', '/api/v1/providers/me/notification-config');

	if (response.status === 404) {
		return null;
	}

	if (!response.ok) {
		throw await errorFromResponse(response, 'Failed to get notification config');
	}

	const result = await response.json();

	if (!result.success) {
		// No config found is not an error
		if (result.error?.includes('not found')) {
			return null;
		}
		throw new Error(result.error || 'Failed to get notification config');
	}

	return result.data || null;
}

/** getNotificationUsage(identity): Promise<NotificationUsage | null> */
export async function getNotificationUsage(baseUrl, seedHex) {
	const { send } = makeApi(baseUrl, seedHex);
	const response = await send('GET', '/api/v1/providers/me/notification-usage');

	if (!response.ok) {
		return null;
	}

	const result = await response.json();
	return result.success ? result.data || null : null;
}

/**
 * updateNotificationConfig(identity, config): Promise<void>
 * config: { chatwootPortalSlug?, notifyTelegram, notifyEmail, notifySms, telegramChatId?, notifyPhone?, notifyEmailAddress? }
 * Sent as JSON.stringify(config): key order as given, undefined keys dropped.
 */
export async function updateNotificationConfig(baseUrl, seedHex, config) {
	const { send } = makeApi(baseUrl, seedHex);
	const response = await send('PUT', '/api/v1/providers/me/notification-config', config);

	if (!response.ok) {
		throw await errorFromResponse(response, 'Failed to update notification config');
	}

	const result = await response.json();

	if (!result.success) {
		throw new Error(result.error || 'Failed to update notification config');
	}
}

/** testNotificationChannel(identity, channel): Promise<{sent: boolean, message: string}> — body {"channel": channel} */
export async function testNotificationChannel(baseUrl, seedHex, channel) {
	const { send } = makeApi(baseUrl, seedHex);
	const response = await send('POST', '/api/v1/providers/me/notification-test', { channel });

	if (!response.ok) {
		throw new Error(`Failed to test notification (HTTP ${response.status})`);
	}

	const result = await response.json();
	if (!result.success || !result.data) {
		throw new Error(result.error || 'Failed to test notification');
	}
	return result.data;
}

/** testEscalationNotification(identity): Promise<TestNotificationResult> — body "{}" */
export async function testEscalationNotification(baseUrl, seedHex) {
	const { send } = makeApi(baseUrl, seedHex);
	// The website signs `{}` (serialized to "{}") and sends JSON.stringify({}) — the same bytes.
	const response = await send('POST', '/api/v1/providers/me/notification-test/escalation', {});

	if (!response.ok) {
		throw new Error(`Failed to test escalation (HTTP ${response.status})`);
	}

	const result = await response.json();
	if (!result.success || !result.data) {
		throw new Error(result.error || 'Failed to test escalation');
	}
	return result.data;
}

/** getAutoAcceptSetting(identity): Promise<boolean> */
export async function getAutoAcceptSetting(baseUrl, seedHex) {
	const { send } = makeApi(baseUrl, seedHex);
	const response = await send('GET', '/api/v1/provider/settings/auto-accept');

	if (!response.ok) {
		// Default to false if not found or error
		return false;
	}

	const result = await response.json();
	return result.success && result.data ? result.data.autoAcceptRentals : false;
}

/** updateAutoAcceptSetting(identity, enabled): Promise<void> */
export async function updateAutoAcceptSetting(baseUrl, seedHex, enabled) {
	const { send } = makeApi(baseUrl, seedHex);
	const payload = { autoAcceptRentals: enabled };
	const response = await send('PUT', '/api/v1/provider/settings/auto-accept', payload);

	if (!response.ok) {
		throw await errorFromResponse(response, 'Failed to update auto-accept setting');
	}

	const result = await response.json();
	if (!result.success) {
		throw new Error(result.error || 'Failed to update auto-accept setting');
	}
}

/** getAutoAcceptRules(identity): Promise<AutoAcceptRule[]> */
export async function getAutoAcceptRules(baseUrl, seedHex) {
	const { send } = makeApi(baseUrl, seedHex);
	const response = await send('GET', '/api/v1/provider/auto-accept-rules');

	if (!response.ok) {
		throw await errorFromResponse(response, 'Failed to get auto-accept rules');
	}

	const result = await response.json();
	if (!result.success) {
		throw new Error(result.error || 'Failed to get auto-accept rules');
	}
	return result.data ?? [];
}

/** createAutoAcceptRule(identity, rule): Promise<AutoAcceptRule> */
export async function createAutoAcceptRule(baseUrl, seedHex, rule) {
	const { send } = makeApi(baseUrl, seedHex);
	const response = await send('POST', '/api/v1/provider/auto-accept-rules', rule);

	if (!response.ok) {
		throw await errorFromResponse(response, 'Failed to create auto-accept rule');
	}

	const result = await response.json();
	if (!result.success || !result.data) {
		throw new Error(result.error || 'Failed to create auto-accept rule');
	}
	return result.data;
}

/** updateAutoAcceptRule(identity, ruleId, rule): Promise<AutoAcceptRule> */
export async function updateAutoAcceptRule(baseUrl, seedHex, ruleId, rule) {
	const { send } = makeApi(baseUrl, seedHex);
	const path = `/api/v1/provider/auto-accept-rules/${ruleId}`;
	const response = await send('PUT', path, rule);

	if (!response.ok) {
		throw await errorFromResponse(response, 'Failed to update auto-accept rule');
	}

	const result = await response.json();
	if (!result.success || !result.data) {
		throw new Error(result.error || 'Failed to update auto-accept rule');
	}
	return result.data;
}

/** deleteAutoAcceptRule(identity, ruleId): Promise<void> */
export async function deleteAutoAcceptRule(baseUrl, seedHex, ruleId) {
	const { send } = makeApi(baseUrl, seedHex);
	const path = `/api/v1/provider/auto-accept-rules/${ruleId}`;
	const response = await send('DELETE', path);

	if (!response.ok) {
		throw await errorFromResponse(response, 'Failed to delete auto-accept rule');
	}

	const result = await response.json();
	if (!result.success) {
		throw new Error(result.error || 'Failed to delete auto-accept rule');
	}
}

/**
 * The body the account page (/dashboard/account/notifications, handleSave) passes to updateNotificationConfig.
 * form: { notifyEmail, notifyTelegram, notifySms, notifyEmailAddress, telegramChatId, notifyPhone, chatwootPortalSlug? }
 * Empty strings become undefined (dropped by JSON.stringify); chatwootPortalSlug is whatever GET returned (normally absent).
 */
export function accountPagePayload(form) {
	return {
		notifyEmail: form.notifyEmail,
		notifyTelegram: form.notifyTelegram,
		notifySms: form.notifySms,
		notifyEmailAddress: form.notifyEmailAddress || undefined,
		telegramChatId: form.telegramChatId || undefined,
		notifyPhone: form.notifyPhone || undefined,
		chatwootPortalSlug: form.chatwootPortalSlug
	};
}

/**
 * The body the provider support page (/dashboard/provider/support, saveNotifications / saveNotificationsQuiet)
 * passes: telegramChatId / notifyPhone only when their channel is on — and then even when "" (empty input).
 * No notifyEmailAddress, no chatwootPortalSlug.
 */
export function supportPagePayload(state) {
	return {
		notifyTelegram: state.notifyTelegram,
		notifyEmail: state.notifyEmail,
		notifySms: state.notifySms,
		telegramChatId: state.notifyTelegram ? (state.telegramChatId ?? '') : undefined,
		notifyPhone: state.notifySms ? (state.notifyPhone ?? '') : undefined
	};
}

function parseJsonArg(arg, what) {
	if (arg === undefined) throw new UsageError(`${what} needs a JSON argument`);
	try {
		return JSON.parse(arg);
	} catch (e) {
		throw new UsageError(`${what}: argument is not JSON: ${e.message}`);
	}
}

class UsageError extends Error {}

const commands = {
	getConfig: (b, s) => getNotificationConfig(b, s),
	getUsage: (b, s) => getNotificationUsage(b, s),
	saveConfig: (b, s, a) => updateNotificationConfig(b, s, parseJsonArg(a[0], 'saveConfig')),
	saveFromAccountPage: (b, s, a) => updateNotificationConfig(b, s, accountPagePayload(parseJsonArg(a[0], 'saveFromAccountPage'))),
	saveFromSupportPage: (b, s, a) => updateNotificationConfig(b, s, supportPagePayload(parseJsonArg(a[0], 'saveFromSupportPage'))),
	testChannel: (b, s, a) => {
		if (!a[0]) throw new UsageError('testChannel needs a channel: telegram, email or sms');
		return testNotificationChannel(b, s, a[0]);
	},
	testEscalation: (b, s) => testEscalationNotification(b, s),
	getAutoAccept: (b, s) => getAutoAcceptSetting(b, s),
	setAutoAccept: (b, s, a) => updateAutoAcceptSetting(b, s, parseJsonArg(a[0], 'setAutoAccept')),
	getAutoAcceptRules: (b, s) => getAutoAcceptRules(b, s),
	createAutoAcceptRule: (b, s, a) => createAutoAcceptRule(b, s, parseJsonArg(a[0], 'createAutoAcceptRule')),
	updateAutoAcceptRule: (b, s, a) => updateAutoAcceptRule(b, s, a[0], parseJsonArg(a[1], 'updateAutoAcceptRule')),
	deleteAutoAcceptRule: (b, s, a) => deleteAutoAcceptRule(b, s, a[0])
};
// The website's own function names work as command names too.
Object.assign(commands, {
	getNotificationConfig: commands.getConfig,
	getNotificationUsage: commands.getUsage,
	updateNotificationConfig: commands.saveConfig,
	testNotificationChannel: commands.testChannel,
	testEscalationNotification: commands.testEscalation,
	getAutoAcceptSetting: commands.getAutoAccept,
	updateAutoAcceptSetting: commands.setAutoAccept
});

async function main(argv) {
	const [baseUrl, seedHex, command, ...args] = argv;
	if (!baseUrl || !seedHex || !command || !Object.hasOwn(commands, command)) {
		process.stderr.write(
			'usage: node website-calls.mjs <baseUrl> <seedHex> <command> [args]\n' +
				`commands: ${Object.keys(commands).join(', ')}\n`
		);
		return 2;
	}
	try {
		const result = await commands[command](baseUrl, seedHex, args);
		process.stdout.write(JSON.stringify({ ok: true, result, requests: trace }) + '\n');
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`${e.message}\n`);
			return 2;
		}
		const network = e instanceof NetworkError;
		process.stdout.write(
			JSON.stringify({
				ok: false,
				error: e?.message ?? String(e),
				errorName: network ? 'TypeError' : (e?.name ?? 'Error'),
				network,
				requests: trace
			}) + '\n'
		);
		return network ? 1 : 0;
	}
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
