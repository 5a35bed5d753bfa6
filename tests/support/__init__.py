"""What the gateway, browser and end-to-end tests share: the API called as a
department or a holder would call it (an application walked to its coupon),
cheap costs for the secrets the suite makes, a gateway served for real, and
PDFs read back as a person would."""
