// Turns new feed entries into queue messages for the webhook subscriptions (issue 11: being built).
export async function dispatchWebhooks(_env: Env): Promise<void> {}
