// Cron: pulls every upstream source one bounded step further (issue 11: being built).
export async function mirrorSources(_env: Env): Promise<void> {}
