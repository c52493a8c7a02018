"""sqs-producer, Python consumer: SQS → this function, fed by the TypeScript producer (producer.ts).

Deployed with the Datadog Python layer (handler ``datadog_lambda.handler.handler``,
``DD_LAMBDA_HANDLER=consumer.handler``) and the Datadog Extension layer, with an SQS event
source on the queue. datadog-lambda-python reads the ``_datadog`` message attribute of the
first record, so this function's ``aws.lambda`` span continues the producer's trace under its
``aws.request`` send span: no tracing code here.
"""
import json
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    records = event.get("Records", [])
    logger.info("Received %d SQS record(s)", len(records))
    for i, record in enumerate(records):
        logger.info("[%d] messageId=%s body=%s", i, record.get("messageId"), record.get("body"))
    return {"statusCode": 200, "body": json.dumps({"records_processed": len(records)})}
