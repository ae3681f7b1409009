"""Run the HandTerm backend on AWS: the CDK stack, the Lambda entry point and `pool check`.

Part of the server wing: the client never imports it. Needs the `aws` extra.
"""
