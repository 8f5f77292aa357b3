"""Data only: the templates loan-infra ships (task definition, IAM documents, CloudFront function, CloudFormation)."""
