"""sqs-lambda, Python producer: this function → SQS → the TypeScript consumer (consumer.ts).

Deployed with the Datadog Python layer (handler ``datadog_lambda.handler.handler``,
``DD_LAMBDA_HANDLER=producer.handler``) and the Datadog Extension layer. ddtrace patches
boto3, so ``send_message`` gets an ``aws.request`` span and the ``_datadog`` String message
attribute that the consumer's extension and ``processBatch`` read.

Environment: ``QUEUE_URL`` (required).
"""
import json
import os

import boto3

QUEUE_URL = os.environ["QUEUE_URL"]
sqs = boto3.client("sqs")


def handler(event, context):
    body = event.get("body") or json.dumps({"id": context.aws_request_id, "quantity": 1})
    response = sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=body)
    return {
        "statusCode": 200,
        "body": json.dumps({"message": "Message sent to SQS", "message_id": response["MessageId"]}),
    }
