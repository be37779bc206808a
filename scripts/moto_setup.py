"""Prepares a moto server started with INITIAL_NO_AUTH_ACTION_COUNT=4 for the upload tests: an IAM user
allowed s3:*, its access key, and a bucket (the four unauthenticated actions). Every later request must carry
a valid AWS Signature Version 4, which moto checks with botocore.

    moto_setup.py ENDPOINT CA_FILE BUCKET   prints "ACCESS_KEY_ID SECRET_ACCESS_KEY"
"""
import json
import sys

import boto3

endpoint, ca_file, bucket = sys.argv[1:4]
common = dict(endpoint_url=endpoint, verify=ca_file, region_name="us-east-1",
              aws_access_key_id="AKIDSETUP0000000000", aws_secret_access_key="setup")
iam = boto3.client("iam", **common)
iam.create_user(UserName="seedance-test")
key = iam.create_access_key(UserName="seedance-test")["AccessKey"]
iam.put_user_policy(UserName="seedance-test", PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
boto3.client("s3", **common).create_bucket(Bucket=bucket)
print(key["AccessKeyId"], key["SecretAccessKey"])
