BEGIN TRANSACTION;
CREATE TABLE application_records (
	application_id INTEGER NOT NULL, 
	project_name VARCHAR(200) NOT NULL, 
	parcels JSON NOT NULL, 
	methodology VARCHAR(200) NOT NULL, 
	documents JSON NOT NULL, 
	submitted_by INTEGER NOT NULL, 
	tx_hash VARCHAR(66) NOT NULL, 
	PRIMARY KEY (application_id), 
	FOREIGN KEY(submitted_by) REFERENCES users (id)
);
INSERT INTO "application_records" VALUES(1,'泉交河镇某村林地碳汇项目','[{"number": "430903-108-87961580-1", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "FOREST", "area_mu": "8500"}, {"number": "430903-108-87961580-2", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "WETLAND", "area_mu": "1200"}]','赫山区自然生态系统碳汇计量方法学（林地）','{"application_form": "22cc2b1464dbb218624a91e9e86183a93a6a0697227364e56f406bc163c9d8af", "licence": "b3f0a34e23d7b82514348fcfd33c843b2badfb3254f5d41cbe28e0f1c5c1a073", "report": "c33449a253ba1869c00d32ddac5591d71d7eefa97d3b7779c7fe83ff9515f6cf", "agreement": "b60bbe6342d58dc8e3563a8b0b27e344b8168b3880f49656228b79f57145b8c2", "others": []}',9,'0x889efe70558237afb989f968c42937e16009db433622aaa94624fb49ee679e68');
CREATE TABLE applications (
	id INTEGER NOT NULL, 
	applicant VARCHAR(42) NOT NULL, 
	status VARCHAR(24) NOT NULL, 
	period_start BIGINT NOT NULL, 
	period_end BIGINT NOT NULL, 
	claimed_kg BIGINT NOT NULL, 
	attested_kg BIGINT NOT NULL, 
	nrb_signed BOOLEAN NOT NULL, 
	forestry_signed BOOLEAN NOT NULL, 
	survey_paused BOOLEAN NOT NULL, 
	filing_number VARCHAR(64), 
	updated_at BIGINT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "applications" VALUES(1,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','ISSUED',1640966400,1704038400,12723000,12723000,1,1,0,'赫环碳备〔2026〕1号',1795987975);
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	department VARCHAR(16) NOT NULL, 
	action VARCHAR(64) NOT NULL, 
	request JSON NOT NULL, 
	tx_hash VARCHAR(66), 
	outcome VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "audit_log" VALUES(1,'2026-11-29 21:32:42.527515','coop-87961580','HOLDER','auth.register_holder','{"username": "coop-87961580", "organisation": "\u8d6b\u5c71\u533a\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751\u80a1\u4efd\u7ecf\u6d4e\u5408\u4f5c\u793e"}',NULL,'ok');
INSERT INTO "audit_log" VALUES(2,'2026-11-29 21:32:43.025482','marathon-87961580','HOLDER','auth.register_holder','{"username": "marathon-87961580", "organisation": "2026\u8d6b\u5c71\u9a6c\u62c9\u677e\u7ec4\u59d4\u4f1a"}',NULL,'ok');
INSERT INTO "audit_log" VALUES(3,'2026-11-29 21:32:44.024551','builder-87961580','HOLDER','auth.register_holder','{"username": "builder-87961580", "organisation": "\u67d0\u4ea4\u901a\u5efa\u8bbe\u6709\u9650\u516c\u53f8"}',NULL,'ok');
INSERT INTO "audit_log" VALUES(4,'2026-11-29 21:32:45.018860','bank-87961580','HOLDER','auth.register_holder','{"username": "bank-87961580", "organisation": "\u6e56\u5357\u76ca\u9633\u519c\u6751\u5546\u4e1a\u94f6\u884c"}',NULL,'ok');
INSERT INTO "audit_log" VALUES(5,'2026-11-29 21:32:45.044766','coop-87961580','HOLDER','document.upload','{"sha256": "c33449a253ba1869c00d32ddac5591d71d7eefa97d3b7779c7fe83ff9515f6cf", "filename": "\u76d1\u6d4b\u6838\u7b97\u62a5\u544a.pdf", "size": 43}',NULL,'ok');
INSERT INTO "audit_log" VALUES(6,'2026-11-29 21:32:45.049143','coop-87961580','HOLDER','document.upload','{"sha256": "22cc2b1464dbb218624a91e9e86183a93a6a0697227364e56f406bc163c9d8af", "filename": "\u767b\u8bb0\u7533\u8bf7\u8868.pdf", "size": 18}',NULL,'ok');
INSERT INTO "audit_log" VALUES(7,'2026-11-29 21:32:45.061316','coop-87961580','HOLDER','document.upload','{"sha256": "b3f0a34e23d7b82514348fcfd33c843b2badfb3254f5d41cbe28e0f1c5c1a073", "filename": "\u7edf\u4e00\u793e\u4f1a\u4fe1\u7528\u4ee3\u7801\u8bc1\u4e66.pdf", "size": 21}',NULL,'ok');
INSERT INTO "audit_log" VALUES(8,'2026-11-29 21:32:45.069609','coop-87961580','HOLDER','document.upload','{"sha256": "b60bbe6342d58dc8e3563a8b0b27e344b8168b3880f49656228b79f57145b8c2", "filename": "\u5408\u4f5c\u5f00\u53d1\u534f\u8bae.pdf", "size": 23}',NULL,'ok');
INSERT INTO "audit_log" VALUES(9,'2026-11-29 21:32:46.041867','coop-87961580','HOLDER','application.submit','{"project_name": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751\u6797\u5730\u78b3\u6c47\u9879\u76ee", "parcels": [{"number": "430903-108-87961580-1", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "FOREST", "area_mu": "8500"}, {"number": "430903-108-87961580-2", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "WETLAND", "area_mu": "1200"}], "monitoring_period": {"start": "2022-01-01", "end": "2024-01-01"}, "methodology": "\u8d6b\u5c71\u533a\u81ea\u7136\u751f\u6001\u7cfb\u7edf\u78b3\u6c47\u8ba1\u91cf\u65b9\u6cd5\u5b66\uff08\u6797\u5730\uff09", "claimed_t": "12723", "documents": {"application_form": "22cc2b1464dbb218624a91e9e86183a93a6a0697227364e56f406bc163c9d8af", "licence": "b3f0a34e23d7b82514348fcfd33c843b2badfb3254f5d41cbe28e0f1c5c1a073", "report": "c33449a253ba1869c00d32ddac5591d71d7eefa97d3b7779c7fe83ff9515f6cf", "agreement": "b60bbe6342d58dc8e3563a8b0b27e344b8168b3880f49656228b79f57145b8c2", "others": []}}','0x889efe70558237afb989f968c42937e16009db433622aaa94624fb49ee679e68','ok');
INSERT INTO "audit_log" VALUES(10,'2026-11-29 21:32:47.022857','center_officer','CENTER','application.formal_review','{"application": 1, "decision": "pass", "missing_items": [], "reason": null}','0xe55ba621c6697ecb0618010b5978b24f0f29c980131f0a64208e457d06668454','ok');
INSERT INTO "audit_log" VALUES(11,'2026-11-29 21:32:48.046163','center_officer','CENTER','application.pause_field_survey','{"application": 1}','0x11f22b346dac7cc3554d39dcd869a412e693efa0b0c2116aa7e5a13e82709c4e','ok');
INSERT INTO "audit_log" VALUES(12,'2026-11-29 21:32:49.024760','center_officer','CENTER','application.resume_field_survey','{"application": 1}','0x79e6c6d1e18859177cb12f4d48099564a99ed8ca71a686db2971c399c004f145','ok');
INSERT INTO "audit_log" VALUES(13,'2026-11-29 21:32:50.045544','center_officer','CENTER','application.preliminary_review','{"application": 1}','0x43166074294794edfb3da459e7a0eb32b57f7c9f2766a5677b2d69eea0692ab6','ok');
INSERT INTO "audit_log" VALUES(14,'2026-11-29 21:32:51.021516','verifier_officer','VERIFIER','application.attest','{"application": 1, "report": "c33449a253ba1869c00d32ddac5591d71d7eefa97d3b7779c7fe83ff9515f6cf", "attested_t": "12723"}','0xd0ce1cfa7dee57dfc0faa98cd5166eaf281afc13c9d56a18ec8c940472856e37','ok');
INSERT INTO "audit_log" VALUES(15,'2026-11-29 21:32:52.045782','nrb_officer','NRB','application.validate','{"application": 1}','0xacd05d8113ad0bfbbd621661555bb3cf5bf046b90c19264e1a3e5b829fc45f46','ok');
INSERT INTO "audit_log" VALUES(16,'2026-11-29 21:32:53.025556','forestry_officer','FORESTRY','application.validate','{"application": 1}','0x3410f5c8421b8b57c1f4fb05e52ba1cdb15a2f4e2f0eed5b24e2b9cd556701bf','ok');
INSERT INTO "audit_log" VALUES(17,'2026-11-29 21:32:54.048652','eeb_officer','EEB','application.file','{"application": 1, "decision": "file", "filing_number": "\u8d6b\u73af\u78b3\u5907\u30142026\u30151\u53f7", "reason": null}','0xeb0ccf6a76624e39734074802b59bf25579e7587784dcfa30b0f39427c14d1e9','ok');
INSERT INTO "audit_log" VALUES(18,'2026-11-29 21:32:55.037867','gov_officer','GOV','application.mint','{"application": 1}','0x73618a2ec2573deb32fa0c3db3826e29bc7510ac170562b7ba69e2f8eafe6bcd','ok');
INSERT INTO "audit_log" VALUES(19,'2026-11-29 21:32:56.021496','coop-87961580','HOLDER','coupon.request.list','{"coupon": "HSTQ-2026-0001-0001", "action": "LIST", "amount_t": null, "counterparty": null}','0xa3bd74cd0da458dc8dea2e63f86366ce998370f9f92a58528dadff8478ebd661','ok');
INSERT INTO "audit_log" VALUES(20,'2026-11-29 21:32:57.025868','center_officer','CENTER','coupon.list','{"coupon": "HSTQ-2026-0001-0001", "price_yuan_per_t": "30.00", "notice_days": 10, "project_area_mu": "9700", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "remarks": ""}','0x3392c75696b862706ef40c8ae1dbc0974cfa2e49d76825d82f89d0277adb94f5','ok');
INSERT INTO "audit_log" VALUES(21,'2026-11-29 21:32:57.057465','marathon-87961580','HOLDER','purchase.apply','{"purchase": 1, "amount_t": "2723", "reason": "\u8d5b\u4e8b\u78b3\u4e2d\u548c event neutrality", "liable_for_damage": false, "authority_document": null}',NULL,'ok');
INSERT INTO "audit_log" VALUES(22,'2026-11-29 21:32:57.065411','center_officer','CENTER','document.upload','{"sha256": "c21a66ce1550628f220b575d1fcca96097c7b0c0d4b6668248b9afd44aaa1b51", "filename": "\u4ea4\u6613\u534f\u8bae.pdf", "size": 29}',NULL,'ok');
INSERT INTO "audit_log" VALUES(23,'2026-11-29 21:32:58.045504','center_officer','CENTER','coupon.settle_trade','{"coupon": "HSTQ-2026-0001-0001", "purchase_id": 1, "amount_t": "2723", "price_yuan_per_t": "30.00", "service_fee_yuan": "816.90", "agreement": "c21a66ce1550628f220b575d1fcca96097c7b0c0d4b6668248b9afd44aaa1b51"}','0xe05650970f59037675783c8a899f6935a95b99793315bddc29fadb1b0e84a1a2','ok');
INSERT INTO "audit_log" VALUES(24,'2026-11-29 21:32:59.017792','center_officer','CENTER','coupon.withdraw_listing','{"coupon": "HSTQ-2026-0001-0003"}','0xba00e61a70ab5a525be1b8ab9a174c90778838c4d5371e897a8d50847a58f86d','ok');
INSERT INTO "audit_log" VALUES(25,'2026-11-29 21:33:00.024002','coop-87961580','HOLDER','coupon.request.pledge','{"coupon": "HSTQ-2026-0001-0003", "action": "PLEDGE", "amount_t": "5000", "counterparty": "bank-87961580"}','0xd52e8f46f003283689631236ea467ae380c40956a485ad7fe79443f334ecb054','ok');
INSERT INTO "audit_log" VALUES(26,'2026-11-29 21:33:01.024451','finance_officer','FINANCE','coupon.pledge','{"coupon": "HSTQ-2026-0001-0003", "secured_yuan": "100000.00", "term_end": "2027-12-31"}','0xd9bded976858f6da4d0425f60934e0281049a648a03d9b9759a7c0085acd983f','ok');
INSERT INTO "audit_log" VALUES(27,'2026-11-29 21:33:02.024361','bank-87961580','HOLDER','coupon.release_pledge','{"coupon": "HSTQ-2026-0001-0004"}','0x72ee3fcc92771ea0bd83888264c5696f0b6b436df982087837145f55191b8868','ok');
INSERT INTO "audit_log" VALUES(28,'2026-11-29 21:33:03.072398','coop-87961580','HOLDER','coupon.request.loss','{"coupon": "HSTQ-2026-0001-0004", "action": "LOSS", "amount_t": null, "counterparty": null}','0x8372137250187a5a6b8d31af9fbd90cf7e25112c08152e4073ef8697d5b06b1b','ok');
INSERT INTO "audit_log" VALUES(29,'2026-11-29 21:33:04.020493','center_officer','CENTER','coupon.report_loss','{"coupon": "HSTQ-2026-0001-0004"}','0xea7e5ae3e980c2218400907f4ce2e3d9406f17768fc7b247528eb1535f3dbb49','ok');
INSERT INTO "audit_log" VALUES(30,'2026-11-29 21:33:05.024243','eeb_officer','EEB','coupon.file_reissue','{"coupon": "HSTQ-2026-0001-0004", "filing_number": "\u8d6b\u73af\u78b3\u8865\u30142026\u30151\u53f7"}','0xd89fdfcacdf6f66dab68c648274c5a1429a3030618fb106b8a6fa1577e55ba49','ok');
INSERT INTO "audit_log" VALUES(31,'2026-11-29 21:33:06.052081','gov_officer','GOV','coupon.reissue','{"coupon": "HSTQ-2026-0001-0004"}','0xbfbfec1d2f0ba7c52ab3796d4083e34fd87d61ba0680750880cf24acc4711a11','reverted: ledger: notice period not over');
INSERT INTO "audit_log" VALUES(32,'2026-11-29 21:33:07.125561','gov_officer','GOV','coupon.reissue','{"coupon": "HSTQ-2026-0001-0004"}','0x67477273ff32e53f0167e2461993773832112c4b4907decf99204259e935ec3f','reverted: ledger: notice period not over');
INSERT INTO "audit_log" VALUES(33,'2026-11-29 21:33:08.162851','gov_officer','GOV','coupon.reissue','{"coupon": "HSTQ-2026-0001-0004"}','0x75e3bc140331c69ce5f9fcdf214a8c263e97d8fa36a72ee3f107db2d30a7b4e3','reverted: ledger: notice period not over');
INSERT INTO "audit_log" VALUES(34,'2026-11-29 21:33:09.202751','gov_officer','GOV','coupon.reissue','{"coupon": "HSTQ-2026-0001-0004"}','0x63b37b2f5cf4cffdc083560020ec53f80b60fa5af43b6eab0ebd5b164c3b4261','ok');
INSERT INTO "audit_log" VALUES(35,'2026-11-29 21:33:10.025624','marathon-87961580','HOLDER','coupon.request.offset','{"coupon": "HSTQ-2026-0001-0002", "action": "OFFSET", "amount_t": null, "counterparty": null}','0xcc4fde9b6a3b19673a66938aee9257e956689cf476f94e45a67f512db4e309ed','ok');
INSERT INTO "audit_log" VALUES(36,'2026-11-29 21:33:11.017413','eeb_officer','EEB','coupon.offset','{"coupon": "HSTQ-2026-0001-0002", "purpose": "EVENT_NEUTRALITY", "beneficiary": "2026\u8d6b\u5c71\u9a6c\u62c9\u677e\u7ec4\u59d4\u4f1a", "case_reference": "HS-EV-2026-001"}','0xeba2d93462dfc1d166481936a8fea3bd9353320346adc2ac9a11b281a4853951','ok');
INSERT INTO "audit_log" VALUES(37,'2026-11-29 21:33:12.029660','coop-87961580','HOLDER','coupon.request.transfer','{"coupon": "HSTQ-2026-0001-0006", "action": "TRANSFER", "amount_t": "300.000", "counterparty": "builder-87961580"}','0x42d3525710ffcfd0037bb8a9e65e2b5b482b25b4c1eb37bf22e2191ab2cac19d','ok');
INSERT INTO "audit_log" VALUES(38,'2026-11-29 21:33:13.050528','center_officer','CENTER','coupon.transfer','{"coupon": "HSTQ-2026-0001-0006"}','0xc3a411849f2a319a41de06c509037d03e3f0cf09899a40d581b45c138519bbba','ok');
INSERT INTO "audit_log" VALUES(39,'2026-11-29 21:33:14.021737','builder-87961580','HOLDER','coupon.request.offset','{"coupon": "HSTQ-2026-0001-0007", "action": "OFFSET", "amount_t": null, "counterparty": null}','0x7de42a8b32340701779aa88bf8e7c5d35946f6d531c487d0364c0015c66b1a00','ok');
INSERT INTO "audit_log" VALUES(40,'2026-11-29 21:33:15.058337','eeb_officer','EEB','coupon.offset','{"coupon": "HSTQ-2026-0001-0007", "purpose": "ECO_COMPENSATION", "beneficiary": "\u67d0\u4ea4\u901a\u5efa\u8bbe\u6709\u9650\u516c\u53f8", "case_reference": "\u8d6b\u81ea\u7136\u8d44\u30142026\u3015\u7528\u573012\u53f7"}','0xca93de8e1696123a18474b6bde2754ccf0ad44afe983fc2dc6d4c5562e333ca1','ok');
CREATE TABLE coupons (
	id INTEGER NOT NULL, 
	number VARCHAR(32) NOT NULL, 
	issuance INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	first_serial BIGINT NOT NULL, 
	last_serial BIGINT NOT NULL, 
	amount_kg BIGINT NOT NULL, 
	owner VARCHAR(42) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	parent INTEGER, 
	replaces INTEGER, 
	replaced_by INTEGER, 
	pledgee VARCHAR(42), 
	pending_action VARCHAR(16), 
	pending_since BIGINT, 
	created_at BIGINT NOT NULL, 
	updated_at BIGINT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(issuance) REFERENCES issuances (id)
);
INSERT INTO "coupons" VALUES(1,'HSTQ-2026-0001-0001',1,1,1,12723000,12723000,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','SPLIT',NULL,NULL,NULL,NULL,NULL,NULL,1795987975,1795987978);
INSERT INTO "coupons" VALUES(2,'HSTQ-2026-0001-0002',1,2,1,2723000,2723000,'0xEE2dcAeD48ccEE0A281e7F4550476A668C43a43F','RETIRED',1,NULL,NULL,NULL,NULL,NULL,1795987978,1795987991);
INSERT INTO "coupons" VALUES(3,'HSTQ-2026-0001-0003',1,3,2723001,12723000,10000000,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','SPLIT',1,NULL,NULL,NULL,NULL,NULL,1795987978,1795987981);
INSERT INTO "coupons" VALUES(4,'HSTQ-2026-0001-0004',1,4,2723001,7723000,5000000,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','VOIDED',3,NULL,6,NULL,NULL,NULL,1795987981,1795987989);
INSERT INTO "coupons" VALUES(5,'HSTQ-2026-0001-0005',1,5,7723001,12723000,5000000,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','ACTIVE',3,NULL,NULL,NULL,NULL,NULL,1795987981,1795987981);
INSERT INTO "coupons" VALUES(6,'HSTQ-2026-0001-0006',1,6,2723001,7723000,5000000,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','SPLIT',NULL,4,NULL,NULL,NULL,NULL,1795987989,1795987993);
INSERT INTO "coupons" VALUES(7,'HSTQ-2026-0001-0007',1,7,2723001,3023000,300000,'0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD','RETIRED',6,NULL,NULL,NULL,NULL,NULL,1795987993,1795987995);
INSERT INTO "coupons" VALUES(8,'HSTQ-2026-0001-0008',1,8,3023001,7723000,4700000,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','ACTIVE',6,NULL,NULL,NULL,NULL,NULL,1795987993,1795987993);
CREATE TABLE documents (
	sha256 VARCHAR(64) NOT NULL, 
	filename VARCHAR(255) NOT NULL, 
	content_type VARCHAR(100) NOT NULL, 
	size BIGINT NOT NULL, 
	uploaded_by INTEGER NOT NULL, 
	PRIMARY KEY (sha256), 
	FOREIGN KEY(uploaded_by) REFERENCES users (id)
);
INSERT INTO "documents" VALUES('c33449a253ba1869c00d32ddac5591d71d7eefa97d3b7779c7fe83ff9515f6cf','监测核算报告.pdf','application/pdf',43,9);
INSERT INTO "documents" VALUES('22cc2b1464dbb218624a91e9e86183a93a6a0697227364e56f406bc163c9d8af','登记申请表.pdf','application/pdf',18,9);
INSERT INTO "documents" VALUES('b3f0a34e23d7b82514348fcfd33c843b2badfb3254f5d41cbe28e0f1c5c1a073','统一社会信用代码证书.pdf','application/pdf',21,9);
INSERT INTO "documents" VALUES('b60bbe6342d58dc8e3563a8b0b27e344b8168b3880f49656228b79f57145b8c2','合作开发协议.pdf','application/pdf',23,9);
INSERT INTO "documents" VALUES('c21a66ce1550628f220b575d1fcca96097c7b0c0d4b6668248b9afd44aaa1b51','交易协议.pdf','application/pdf',29,2);
CREATE TABLE index_cursor (
	id INTEGER NOT NULL, 
	block_number BIGINT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "index_cursor" VALUES(1,39);
CREATE TABLE issuances (
	id INTEGER NOT NULL, 
	application BIGINT NOT NULL, 
	year INTEGER NOT NULL, 
	amount_kg BIGINT NOT NULL, 
	tx_hash VARCHAR(66) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "issuances" VALUES(1,1,2026,12723000,'0x73618a2ec2573deb32fa0c3db3826e29bc7510ac170562b7ba69e2f8eafe6bcd');
CREATE TABLE listing_records (
	coupon_id INTEGER NOT NULL, 
	price_fen_per_tonne BIGINT NOT NULL, 
	notice_end BIGINT NOT NULL, 
	disclosure JSON NOT NULL, 
	tx_hash VARCHAR(66) NOT NULL, 
	PRIMARY KEY (coupon_id)
);
INSERT INTO "listing_records" VALUES(1,3000,1796851976,'{"price_yuan_per_t": "30.00", "notice_days": 10, "project_area_mu": "9700", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "remarks": ""}','0x3392c75696b862706ef40c8ae1dbc0974cfa2e49d76825d82f89d0277adb94f5');
CREATE TABLE offsets (
	tx_hash VARCHAR(66) NOT NULL, 
	coupon_id INTEGER NOT NULL, 
	number VARCHAR(32) NOT NULL, 
	block_number BIGINT NOT NULL, 
	timestamp BIGINT NOT NULL, 
	amount_kg BIGINT NOT NULL, 
	first_serial BIGINT NOT NULL, 
	last_serial BIGINT NOT NULL, 
	purpose VARCHAR(24) NOT NULL, 
	beneficiary VARCHAR(200) NOT NULL, 
	case_reference VARCHAR(200) NOT NULL, 
	owner VARCHAR(42) NOT NULL, 
	signer VARCHAR(42) NOT NULL, 
	PRIMARY KEY (tx_hash)
);
INSERT INTO "offsets" VALUES('0xeba2d93462dfc1d166481936a8fea3bd9353320346adc2ac9a11b281a4853951',2,'HSTQ-2026-0001-0002',35,1795987991,2723000,1,2723000,'EVENT_NEUTRALITY','2026赫山马拉松组委会','HS-EV-2026-001','0xEE2dcAeD48ccEE0A281e7F4550476A668C43a43F','0xb391fcB5F4e84f407084813Fd285eFAEA5922828');
INSERT INTO "offsets" VALUES('0xca93de8e1696123a18474b6bde2754ccf0ad44afe983fc2dc6d4c5562e333ca1',7,'HSTQ-2026-0001-0007',39,1795987995,300000,2723001,3023000,'ECO_COMPENSATION','某交通建设有限公司','赫自然资〔2026〕用地12号','0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD','0xb391fcB5F4e84f407084813Fd285eFAEA5922828');
CREATE TABLE purchases (
	id INTEGER NOT NULL, 
	buyer_id INTEGER NOT NULL, 
	amount_kg BIGINT NOT NULL, 
	reason VARCHAR(400) NOT NULL, 
	liable_for_damage BOOLEAN NOT NULL, 
	authority_document VARCHAR(64), 
	status VARCHAR(16) NOT NULL, 
	settlement_tx VARCHAR(66), 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(buyer_id) REFERENCES users (id)
);
INSERT INTO "purchases" VALUES(1,10,2723000,'赛事碳中和 event neutrality',0,NULL,'SETTLED','0xe05650970f59037675783c8a899f6935a95b99793315bddc29fadb1b0e84a1a2','2026-11-29 21:32:57.054179');
CREATE TABLE role_holders (
	address VARCHAR(42) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	PRIMARY KEY (address)
);
INSERT INTO "role_holders" VALUES('0x05A7e0c37a114897bc5E533A7768a8ddF14f69A7','DRC');
INSERT INTO "role_holders" VALUES('0x9BAD2e292615485D120425e543228359BA9d6530','CENTER');
INSERT INTO "role_holders" VALUES('0xfe17080996Df1Ee1B411ee65BD1De6a097f02869','NRB');
INSERT INTO "role_holders" VALUES('0x8f2ea2dC35081e1319E799AE8739D229f54eE3e0','FORESTRY');
INSERT INTO "role_holders" VALUES('0xb391fcB5F4e84f407084813Fd285eFAEA5922828','EEB');
INSERT INTO "role_holders" VALUES('0x72E8cb62ec3b74c751D8978D82A9767A719B5F57','GOV');
INSERT INTO "role_holders" VALUES('0x06d60a1e3D08d219De3b9C83a83a968a20f89C21','FINANCE');
INSERT INTO "role_holders" VALUES('0x5B4F638b0d7de14355628E1CE997E329Ae39849c','VERIFIER');
CREATE TABLE steps (
	id INTEGER NOT NULL, 
	coupon_id INTEGER, 
	application_id INTEGER, 
	event VARCHAR(32) NOT NULL, 
	tx_hash VARCHAR(66) NOT NULL, 
	block_number BIGINT NOT NULL, 
	log_index INTEGER NOT NULL, 
	timestamp BIGINT NOT NULL, 
	signer VARCHAR(42) NOT NULL, 
	signer_role VARCHAR(16), 
	details JSON NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "steps" VALUES(1,NULL,NULL,'LedgerSet','0x516670d01cc9080ae41cc795f4e8f41522f1d494670e6799805ce0de623c7651',4,0,1795987960,'0x05A7e0c37a114897bc5E533A7768a8ddF14f69A7','DRC','{"ledger": "0x2BC4e563E4EB20938529ea0Df3d240F53E624509"}');
INSERT INTO "steps" VALUES(2,NULL,1,'ApplicationSubmitted','0x889efe70558237afb989f968c42937e16009db433622aaa94624fb49ee679e68',10,0,1795987966,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88',NULL,'{"application": 1, "applicant": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "parcels": ["0x70324bbbbc27f585ca9354ccf20e6c5c296010590a9141ab0df902a9ecc829e9", "0xba505ccf72965c15c93da441c80333f5173ca29d1879a65218d656e21a776418"], "period_start": 1640966400, "period_end": 1704038400, "claimed_kg": 12723000, "documents_hash": "0x68f862f2f90ded70fbeb7d901215aaad0e5398cb5c5e50b3f5e0f17a37eedf80", "report_hash": "0xc33449a253ba1869c00d32ddac5591d71d7eefa97d3b7779c7fe83ff9515f6cf"}');
INSERT INTO "steps" VALUES(3,NULL,1,'FormalReviewPassed','0xe55ba621c6697ecb0618010b5978b24f0f29c980131f0a64208e457d06668454',11,0,1795987967,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"application": 1}');
INSERT INTO "steps" VALUES(4,NULL,1,'FieldSurveyPaused','0x11f22b346dac7cc3554d39dcd869a412e693efa0b0c2116aa7e5a13e82709c4e',12,0,1795987968,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"application": 1}');
INSERT INTO "steps" VALUES(5,NULL,1,'FieldSurveyResumed','0x79e6c6d1e18859177cb12f4d48099564a99ed8ca71a686db2971c399c004f145',13,0,1795987969,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"application": 1}');
INSERT INTO "steps" VALUES(6,NULL,1,'PreliminaryReviewPassed','0x43166074294794edfb3da459e7a0eb32b57f7c9f2766a5677b2d69eea0692ab6',14,0,1795987970,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"application": 1}');
INSERT INTO "steps" VALUES(7,NULL,1,'ReportAttested','0xd0ce1cfa7dee57dfc0faa98cd5166eaf281afc13c9d56a18ec8c940472856e37',15,0,1795987971,'0x5B4F638b0d7de14355628E1CE997E329Ae39849c','VERIFIER','{"application": 1, "verifier": "0x5B4F638b0d7de14355628E1CE997E329Ae39849c", "report_hash": "0xc33449a253ba1869c00d32ddac5591d71d7eefa97d3b7779c7fe83ff9515f6cf", "attested_kg": 12723000}');
INSERT INTO "steps" VALUES(8,NULL,1,'ValidationSigned','0xacd05d8113ad0bfbbd621661555bb3cf5bf046b90c19264e1a3e5b829fc45f46',16,0,1795987972,'0xfe17080996Df1Ee1B411ee65BD1De6a097f02869','NRB','{"application": 1, "department": "0x6697f4bfb3f7880a4d2cb761d9a8c5a6e7f5a887db96a0fb48c8a1434609f2bc"}');
INSERT INTO "steps" VALUES(9,NULL,1,'ValidationSigned','0x3410f5c8421b8b57c1f4fb05e52ba1cdb15a2f4e2f0eed5b24e2b9cd556701bf',17,0,1795987973,'0x8f2ea2dC35081e1319E799AE8739D229f54eE3e0','FORESTRY','{"application": 1, "department": "0x28deff9ce82d9e44d2bbbebe108c40620b6a000b3a6766d3ae8b7931ee626a73"}');
INSERT INTO "steps" VALUES(10,NULL,1,'ApplicationValidated','0x3410f5c8421b8b57c1f4fb05e52ba1cdb15a2f4e2f0eed5b24e2b9cd556701bf',17,1,1795987973,'0x8f2ea2dC35081e1319E799AE8739D229f54eE3e0','FORESTRY','{"application": 1, "amount_kg": 12723000}');
INSERT INTO "steps" VALUES(11,NULL,1,'ApplicationFiled','0xeb0ccf6a76624e39734074802b59bf25579e7587784dcfa30b0f39427c14d1e9',18,0,1795987974,'0xb391fcB5F4e84f407084813Fd285eFAEA5922828','EEB','{"application": 1, "filing_number": "\u8d6b\u73af\u78b3\u5907\u30142026\u30151\u53f7"}');
INSERT INTO "steps" VALUES(12,NULL,1,'ApplicationIssued','0x73618a2ec2573deb32fa0c3db3826e29bc7510ac170562b7ba69e2f8eafe6bcd',19,0,1795987975,'0x72E8cb62ec3b74c751D8978D82A9767A719B5F57','GOV','{"application": 1}');
INSERT INTO "steps" VALUES(13,1,NULL,'CouponCreated','0x73618a2ec2573deb32fa0c3db3826e29bc7510ac170562b7ba69e2f8eafe6bcd',19,2,1795987975,'0x72E8cb62ec3b74c751D8978D82A9767A719B5F57','GOV','{"coupon": 1, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 1, "first_serial": 1, "last_serial": 12723000, "state": 1, "parent": 0, "replaces": 0}');
INSERT INTO "steps" VALUES(14,1,NULL,'RequestMade','0xa3bd74cd0da458dc8dea2e63f86366ce998370f9f92a58528dadff8478ebd661',20,0,1795987976,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88',NULL,'{"coupon": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "action": 1, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 12723000}');
INSERT INTO "steps" VALUES(15,1,NULL,'CouponListed','0x3392c75696b862706ef40c8ae1dbc0974cfa2e49d76825d82f89d0277adb94f5',21,1,1795987977,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 1, "price_fen_per_tonne": 3000, "notice_end": 1796851976, "disclosure_hash": "0x7c8c2517e3e86b85916cdced5e26c0be7e40347faf4a995bcf9da61c9db569d9"}');
INSERT INTO "steps" VALUES(16,2,NULL,'CouponCreated','0xe05650970f59037675783c8a899f6935a95b99793315bddc29fadb1b0e84a1a2',22,0,1795987978,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 2, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 2, "first_serial": 1, "last_serial": 2723000, "state": 2, "parent": 1, "replaces": 0}');
INSERT INTO "steps" VALUES(17,3,NULL,'CouponCreated','0xe05650970f59037675783c8a899f6935a95b99793315bddc29fadb1b0e84a1a2',22,1,1795987978,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 3, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 3, "first_serial": 2723001, "last_serial": 12723000, "state": 2, "parent": 1, "replaces": 0}');
INSERT INTO "steps" VALUES(18,1,NULL,'CouponSplit','0xe05650970f59037675783c8a899f6935a95b99793315bddc29fadb1b0e84a1a2',22,3,1795987978,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"parent": 1, "part": 2, "rest": 3}');
INSERT INTO "steps" VALUES(19,2,NULL,'TradeSettled','0xe05650970f59037675783c8a899f6935a95b99793315bddc29fadb1b0e84a1a2',22,5,1795987978,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 2, "seller": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "buyer": "0xEE2dcAeD48ccEE0A281e7F4550476A668C43a43F", "amount_kg": 2723000, "price_fen_per_tonne": 3000, "service_fee_fen": 81690, "agreement_hash": "0xc21a66ce1550628f220b575d1fcca96097c7b0c0d4b6668248b9afd44aaa1b51"}');
INSERT INTO "steps" VALUES(20,3,NULL,'ListingWithdrawn','0xba00e61a70ab5a525be1b8ab9a174c90778838c4d5371e897a8d50847a58f86d',23,1,1795987979,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 3}');
INSERT INTO "steps" VALUES(21,3,NULL,'RequestMade','0xd52e8f46f003283689631236ea467ae380c40956a485ad7fe79443f334ecb054',24,0,1795987980,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88',NULL,'{"coupon": 3, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "action": 4, "counterparty": "0x3E9420Be4A48B75b042C9831e99EDec3e01CC95d", "amount_kg": 5000000}');
INSERT INTO "steps" VALUES(22,4,NULL,'CouponCreated','0xd9bded976858f6da4d0425f60934e0281049a648a03d9b9759a7c0085acd983f',25,0,1795987981,'0x06d60a1e3D08d219De3b9C83a83a968a20f89C21','FINANCE','{"coupon": 4, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 4, "first_serial": 2723001, "last_serial": 7723000, "state": 1, "parent": 3, "replaces": 0}');
INSERT INTO "steps" VALUES(23,5,NULL,'CouponCreated','0xd9bded976858f6da4d0425f60934e0281049a648a03d9b9759a7c0085acd983f',25,1,1795987981,'0x06d60a1e3D08d219De3b9C83a83a968a20f89C21','FINANCE','{"coupon": 5, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 5, "first_serial": 7723001, "last_serial": 12723000, "state": 1, "parent": 3, "replaces": 0}');
INSERT INTO "steps" VALUES(24,3,NULL,'CouponSplit','0xd9bded976858f6da4d0425f60934e0281049a648a03d9b9759a7c0085acd983f',25,3,1795987981,'0x06d60a1e3D08d219De3b9C83a83a968a20f89C21','FINANCE','{"parent": 3, "part": 4, "rest": 5}');
INSERT INTO "steps" VALUES(25,4,NULL,'CouponPledged','0xd9bded976858f6da4d0425f60934e0281049a648a03d9b9759a7c0085acd983f',25,5,1795987981,'0x06d60a1e3D08d219De3b9C83a83a968a20f89C21','FINANCE','{"coupon": 4, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "pledgee": "0x3E9420Be4A48B75b042C9831e99EDec3e01CC95d", "amount_kg": 5000000, "secured_fen": 10000000, "term_end": 1830182400}');
INSERT INTO "steps" VALUES(26,4,NULL,'PledgeReleased','0x72ee3fcc92771ea0bd83888264c5696f0b6b436df982087837145f55191b8868',26,1,1795987982,'0x3E9420Be4A48B75b042C9831e99EDec3e01CC95d',NULL,'{"coupon": 4, "pledgee": "0x3E9420Be4A48B75b042C9831e99EDec3e01CC95d"}');
INSERT INTO "steps" VALUES(27,4,NULL,'RequestMade','0x8372137250187a5a6b8d31af9fbd90cf7e25112c08152e4073ef8697d5b06b1b',27,0,1795987983,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88',NULL,'{"coupon": 4, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "action": 16, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 5000000}');
INSERT INTO "steps" VALUES(28,4,NULL,'LossReported','0xea7e5ae3e980c2218400907f4ce2e3d9406f17768fc7b247528eb1535f3dbb49',28,1,1795987984,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 4, "notice_end": 1795987989}');
INSERT INTO "steps" VALUES(29,4,NULL,'ReissueFiled','0xd89fdfcacdf6f66dab68c648274c5a1429a3030618fb106b8a6fa1577e55ba49',29,0,1795987985,'0xb391fcB5F4e84f407084813Fd285eFAEA5922828','EEB','{"coupon": 4, "filing_number": "\u8d6b\u73af\u78b3\u8865\u30142026\u30151\u53f7"}');
INSERT INTO "steps" VALUES(30,6,NULL,'CouponCreated','0x63b37b2f5cf4cffdc083560020ec53f80b60fa5af43b6eab0ebd5b164c3b4261',33,1,1795987989,'0x72E8cb62ec3b74c751D8978D82A9767A719B5F57','GOV','{"coupon": 6, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 6, "first_serial": 2723001, "last_serial": 7723000, "state": 1, "parent": 0, "replaces": 4}');
INSERT INTO "steps" VALUES(31,4,NULL,'CouponVoided','0x63b37b2f5cf4cffdc083560020ec53f80b60fa5af43b6eab0ebd5b164c3b4261',33,2,1795987989,'0x72E8cb62ec3b74c751D8978D82A9767A719B5F57','GOV','{"coupon": 4, "replaced_by": 6}');
INSERT INTO "steps" VALUES(32,2,NULL,'RequestMade','0xcc4fde9b6a3b19673a66938aee9257e956689cf476f94e45a67f512db4e309ed',34,0,1795987990,'0xEE2dcAeD48ccEE0A281e7F4550476A668C43a43F',NULL,'{"coupon": 2, "owner": "0xEE2dcAeD48ccEE0A281e7F4550476A668C43a43F", "action": 8, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 2723000}');
INSERT INTO "steps" VALUES(33,2,NULL,'CouponRetired','0xeba2d93462dfc1d166481936a8fea3bd9353320346adc2ac9a11b281a4853951',35,1,1795987991,'0xb391fcB5F4e84f407084813Fd285eFAEA5922828','EEB','{"coupon": 2, "owner": "0xEE2dcAeD48ccEE0A281e7F4550476A668C43a43F", "issuance": 1, "seq": 2, "first_serial": 1, "last_serial": 2723000, "amount_kg": 2723000, "purpose": 2, "beneficiary": "2026\u8d6b\u5c71\u9a6c\u62c9\u677e\u7ec4\u59d4\u4f1a", "case_reference": "HS-EV-2026-001"}');
INSERT INTO "steps" VALUES(34,6,NULL,'RequestMade','0x42d3525710ffcfd0037bb8a9e65e2b5b482b25b4c1eb37bf22e2191ab2cac19d',36,0,1795987992,'0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88',NULL,'{"coupon": 6, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "action": 2, "counterparty": "0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD", "amount_kg": 300000}');
INSERT INTO "steps" VALUES(35,7,NULL,'CouponCreated','0xc3a411849f2a319a41de06c509037d03e3f0cf09899a40d581b45c138519bbba',37,0,1795987993,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 7, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 7, "first_serial": 2723001, "last_serial": 3023000, "state": 1, "parent": 6, "replaces": 0}');
INSERT INTO "steps" VALUES(36,8,NULL,'CouponCreated','0xc3a411849f2a319a41de06c509037d03e3f0cf09899a40d581b45c138519bbba',37,1,1795987993,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 8, "issuance": 1, "owner": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "seq": 8, "first_serial": 3023001, "last_serial": 7723000, "state": 1, "parent": 6, "replaces": 0}');
INSERT INTO "steps" VALUES(37,6,NULL,'CouponSplit','0xc3a411849f2a319a41de06c509037d03e3f0cf09899a40d581b45c138519bbba',37,3,1795987993,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"parent": 6, "part": 7, "rest": 8}');
INSERT INTO "steps" VALUES(38,7,NULL,'CouponTransferred','0xc3a411849f2a319a41de06c509037d03e3f0cf09899a40d581b45c138519bbba',37,5,1795987993,'0x9BAD2e292615485D120425e543228359BA9d6530','CENTER','{"coupon": 7, "sender": "0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88", "receiver": "0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD", "amount_kg": 300000}');
INSERT INTO "steps" VALUES(39,7,NULL,'RequestMade','0x7de42a8b32340701779aa88bf8e7c5d35946f6d531c487d0364c0015c66b1a00',38,0,1795987994,'0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD',NULL,'{"coupon": 7, "owner": "0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD", "action": 8, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 300000}');
INSERT INTO "steps" VALUES(40,7,NULL,'CouponRetired','0xca93de8e1696123a18474b6bde2754ccf0ad44afe983fc2dc6d4c5562e333ca1',39,1,1795987995,'0xb391fcB5F4e84f407084813Fd285eFAEA5922828','EEB','{"coupon": 7, "owner": "0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD", "issuance": 1, "seq": 7, "first_serial": 2723001, "last_serial": 3023000, "amount_kg": 300000, "purpose": 1, "beneficiary": "\u67d0\u4ea4\u901a\u5efa\u8bbe\u6709\u9650\u516c\u53f8", "case_reference": "\u8d6b\u81ea\u7136\u8d44\u30142026\u3015\u7528\u573012\u53f7"}');
CREATE TABLE tokens (
	token_hash VARCHAR(64) NOT NULL, 
	user_id INTEGER NOT NULL, 
	kind VARCHAR(8) NOT NULL, 
	expires_at DATETIME, 
	PRIMARY KEY (token_hash), 
	FOREIGN KEY(user_id) REFERENCES users (id)
);
INSERT INTO "tokens" VALUES('580c63ba5442b3cb4d4d1dbec26d038b16cce09865cae5ff5c8131ed41b9b401',1,'session','2026-11-30 09:32:41.594680');
INSERT INTO "tokens" VALUES('3597ce288ca8979e72eef43c11b58d8090a7d62a9cea05772ac8cb4cdc91f499',2,'session','2026-11-30 09:32:41.601054');
INSERT INTO "tokens" VALUES('92a9d3e220427ae483c031906eb15eaaa4489c40bc16b7aba347ee6780f7c7a9',3,'session','2026-11-30 09:32:41.604847');
INSERT INTO "tokens" VALUES('2e49e715320ab84c80a01db1d3e628cd8c9ab02a770aa28c3a0aec966d5e9a97',4,'session','2026-11-30 09:32:41.613011');
INSERT INTO "tokens" VALUES('7f7985f96f8deb74955a9af49a586d2824391668d22e950bcca46d5aae51f286',5,'session','2026-11-30 09:32:41.620996');
INSERT INTO "tokens" VALUES('01439e8717c1ace7af8ec9320f176bb3320f03782f1e3c7bbcce0fa16a31553d',6,'session','2026-11-30 09:32:41.628992');
INSERT INTO "tokens" VALUES('c923f74a66f3187c357cdca0e8cf3a0acf37eb9b3c4dff920ce2ec9dde06ce84',7,'session','2026-11-30 09:32:41.636121');
INSERT INTO "tokens" VALUES('29e344773b923315173e5799d764d76a24c6f899146b9398134768b3b7555fcc',8,'session','2026-11-30 09:32:41.641182');
INSERT INTO "tokens" VALUES('0a9f30c8a7ad201765a6947eb315b8217417424f5b40f40881f9932477740ed7',9,'session','2026-11-30 09:32:42.533388');
INSERT INTO "tokens" VALUES('0197e5e483184a2924406d5c8c56caeaf98a53adf02f7a727eb442c0b628f0fb',10,'session','2026-11-30 09:32:43.029662');
INSERT INTO "tokens" VALUES('4684f298786ddb51388e11fe36f0c38a2e489a36eb02dae122dc5c3e56d4a0c9',11,'session','2026-11-30 09:32:44.032503');
INSERT INTO "tokens" VALUES('de5f701ca84f85ec2afacaf463436ed017d4b59d0ffed40659e108331de4ccfa',12,'session','2026-11-30 09:32:45.033105');
CREATE TABLE users (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	password_hash VARCHAR(200) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	display_name VARCHAR(200) NOT NULL, 
	organisation VARCHAR(200), 
	address VARCHAR(42), 
	identity_hash VARCHAR(64), 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "users" VALUES(1,'drc_officer','$argon2id$v=19$m=32,t=1,p=4$ELE439kjpUm0fLpD6yvAjQ$wkYKfOIAYvZI23JOIdsPHjwq0MuZgFQ94H4AnASdMjM','DRC','区发改局',NULL,NULL,NULL,'2026-11-29 21:32:41.218322');
INSERT INTO "users" VALUES(2,'center_officer','$argon2id$v=19$m=32,t=1,p=4$+TD1hOblaSrCQLOwHKaQxQ$B/9ElBs0ccNf4XNPoMVR7XRADpNkp44qdXv0uQvDbhk','CENTER','碳汇交易综合服务中心',NULL,NULL,NULL,'2026-11-29 21:32:41.220196');
INSERT INTO "users" VALUES(3,'nrb_officer','$argon2id$v=19$m=32,t=1,p=4$amFkTkZyTC1BBbwRhGp5qw$X3WxlnDPOcrLPzgqpwgXHnw2nREm2JoHgqg37BLBOIs','NRB','区自然资源局',NULL,NULL,NULL,'2026-11-29 21:32:41.221591');
INSERT INTO "users" VALUES(4,'forestry_officer','$argon2id$v=19$m=32,t=1,p=4$YYZM4LyKyJPXgWFkACUFYQ$NMc+a7H8XMePaAQHJs7ivgOA4aEPPxIYA2G+J+Qc3SM','FORESTRY','区林业局',NULL,NULL,NULL,'2026-11-29 21:32:41.225271');
INSERT INTO "users" VALUES(5,'eeb_officer','$argon2id$v=19$m=32,t=1,p=4$U3GoQ4hjvpFdIB2G8Kc5yA$J/qw8X59pbnCS81YuHA5gsHXmZwJ4DK5tmMGjMfYxTs','EEB','区生态环境分局',NULL,NULL,NULL,'2026-11-29 21:32:41.226488');
INSERT INTO "users" VALUES(6,'gov_officer','$argon2id$v=19$m=32,t=1,p=4$z10ZibyX4r1QeUgk4wJVOQ$KwosOFmTOJni+gVfYsojIxryzro+9cm9tFdV6AWPAEo','GOV','区人民政府',NULL,NULL,NULL,'2026-11-29 21:32:41.227603');
INSERT INTO "users" VALUES(7,'finance_officer','$argon2id$v=19$m=32,t=1,p=4$QlSbT/G+zlNrEqv6lfuxGw$twWhrWHYCuq3PNSN/aM/w6xNWzYWQPtbrDJCyuJkLUQ','FINANCE','区金融办',NULL,NULL,NULL,'2026-11-29 21:32:41.228713');
INSERT INTO "users" VALUES(8,'verifier_officer','$argon2id$v=19$m=32,t=1,p=4$KajbSgZgc4q+6G6v43wGYA$dT2SEIRX3xprkshBolrvIPsMoDp07yFxKYr3jZ5d558','VERIFIER','第三方监测机构',NULL,NULL,NULL,'2026-11-29 21:32:41.233483');
INSERT INTO "users" VALUES(9,'coop-87961580','$argon2id$v=19$m=32,t=1,p=4$C8H7Bkxwcp2+IPVSFX+lIA$7k/taTdQwz8OLm+RsCCq6rE/Em2TIX+xfgCzRPBvGoI','HOLDER','某村股份经济合作社','赫山区泉交河镇某村股份经济合作社','0x6CB9D7504b76d86e6fFe83Bfa24d393581F16b88','cd62847971f831df010238768de91723037546634b2e6d49e63a009f39f4358d','2026-11-29 21:32:42.525991');
INSERT INTO "users" VALUES(10,'marathon-87961580','$argon2id$v=19$m=32,t=1,p=4$KrLcd+IgPnRLxF9zUMRcFA$VcAwmjBhqOHkH04NaHXNBp9cS3V5vblHF8m2z9XE/+c','HOLDER','马拉松组委会','2026赫山马拉松组委会','0xEE2dcAeD48ccEE0A281e7F4550476A668C43a43F','4e153676060aa9f39f287c5a86191d9ae99598dab2598e7221917a6bcb101b57','2026-11-29 21:32:43.021735');
INSERT INTO "users" VALUES(11,'builder-87961580','$argon2id$v=19$m=32,t=1,p=4$tf2kDlrMRUk6s8psRcJvDg$HKLVS+NecO77bV8vaUlPK7s0oFjPwr+iyqXvSau/EO4','HOLDER','某建设单位','某交通建设有限公司','0x93dEdDCA189D15B12c432066bbda333e8d1BA6BD','f73a331df4d7ac6c4a76273ecd7dae883993fd4ffa1e09556dd42b7a878a0934','2026-11-29 21:32:44.023794');
INSERT INTO "users" VALUES(12,'bank-87961580','$argon2id$v=19$m=32,t=1,p=4$dkwdO88e/k/61bX4ZjlHUQ$B1aTBXP/Jtuq0OsiBwr0ILbZuAkOrcQM0EgPd6gJX4w','HOLDER','农商银行','湖南益阳农村商业银行','0x3E9420Be4A48B75b042C9831e99EDec3e01CC95d','ef2a6a707393abed5c76220a83f37e4296a2ca8c9bb39430a484b690d3cbba30','2026-11-29 21:32:45.018154');
CREATE INDEX ix_applications_applicant ON applications (applicant);
CREATE INDEX ix_applications_status ON applications (status);
CREATE INDEX ix_steps_application_id ON steps (application_id);
CREATE INDEX ix_steps_coupon_id ON steps (coupon_id);
CREATE INDEX ix_steps_tx_hash ON steps (tx_hash);
CREATE INDEX ix_offsets_coupon_id ON offsets (coupon_id);
CREATE UNIQUE INDEX ix_coupons_number ON coupons (number);
CREATE INDEX ix_coupons_issuance ON coupons (issuance);
CREATE INDEX ix_coupons_pending_action ON coupons (pending_action);
CREATE INDEX ix_coupons_state ON coupons (state);
CREATE INDEX ix_coupons_parent ON coupons (parent);
CREATE INDEX ix_coupons_owner ON coupons (owner);
CREATE INDEX ix_users_address ON users (address);
CREATE UNIQUE INDEX ix_users_username ON users (username);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE INDEX ix_tokens_user_id ON tokens (user_id);
CREATE INDEX ix_purchases_buyer_id ON purchases (buyer_id);
COMMIT;
