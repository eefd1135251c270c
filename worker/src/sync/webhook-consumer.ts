// The webhook queues' consumer: delivers, retries, dead-letters (issue 11: being built).
export interface WebhookMessage {
  webhook: string;
  seq: number;
}

export async function consumeWebhookBatch(batch: MessageBatch<WebhookMessage>, _env: Env): Promise<void> {
  for (const message of batch.messages) message.ack();
}
