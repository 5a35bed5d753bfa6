--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: application_records; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.application_records (
    application_id integer NOT NULL,
    project_name character varying(200) NOT NULL,
    parcels json NOT NULL,
    methodology character varying(200) NOT NULL,
    documents json NOT NULL,
    submitted_by integer NOT NULL,
    tx_hash character varying(66) NOT NULL
);


--
-- Name: application_records_application_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.application_records_application_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: application_records_application_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.application_records_application_id_seq OWNED BY public.application_records.application_id;


--
-- Name: applications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.applications (
    id integer NOT NULL,
    applicant character varying(42) NOT NULL,
    status character varying(24) NOT NULL,
    period_start bigint NOT NULL,
    period_end bigint NOT NULL,
    claimed_kg bigint NOT NULL,
    attested_kg bigint NOT NULL,
    nrb_signed boolean NOT NULL,
    forestry_signed boolean NOT NULL,
    survey_paused boolean NOT NULL,
    filing_number character varying(64),
    updated_at bigint NOT NULL
);


--
-- Name: applications_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.applications_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: applications_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.applications_id_seq OWNED BY public.applications.id;


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    username character varying(64) NOT NULL,
    department character varying(16) NOT NULL,
    action character varying(64) NOT NULL,
    request json NOT NULL,
    tx_hash character varying(66),
    outcome character varying(64) NOT NULL
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: coupons; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.coupons (
    id integer NOT NULL,
    number character varying(32) NOT NULL,
    issuance integer NOT NULL,
    seq integer NOT NULL,
    first_serial bigint NOT NULL,
    last_serial bigint NOT NULL,
    amount_kg bigint NOT NULL,
    owner character varying(42) NOT NULL,
    state character varying(16) NOT NULL,
    parent integer,
    replaces integer,
    replaced_by integer,
    pledgee character varying(42),
    pending_action character varying(16),
    pending_since bigint,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: coupons_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.coupons_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: coupons_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.coupons_id_seq OWNED BY public.coupons.id;


--
-- Name: documents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.documents (
    sha256 character varying(64) NOT NULL,
    filename character varying(255) NOT NULL,
    content_type character varying(100) NOT NULL,
    size bigint NOT NULL,
    uploaded_by integer NOT NULL
);


--
-- Name: index_cursor; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.index_cursor (
    id integer NOT NULL,
    block_number bigint NOT NULL
);


--
-- Name: index_cursor_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.index_cursor_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: index_cursor_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.index_cursor_id_seq OWNED BY public.index_cursor.id;


--
-- Name: issuances; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.issuances (
    id integer NOT NULL,
    application bigint NOT NULL,
    year integer NOT NULL,
    amount_kg bigint NOT NULL,
    tx_hash character varying(66) NOT NULL
);


--
-- Name: issuances_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.issuances_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: issuances_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.issuances_id_seq OWNED BY public.issuances.id;


--
-- Name: listing_records; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.listing_records (
    coupon_id integer NOT NULL,
    price_fen_per_tonne bigint NOT NULL,
    notice_end bigint NOT NULL,
    disclosure json NOT NULL,
    tx_hash character varying(66) NOT NULL
);


--
-- Name: listing_records_coupon_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.listing_records_coupon_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: listing_records_coupon_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.listing_records_coupon_id_seq OWNED BY public.listing_records.coupon_id;


--
-- Name: offsets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.offsets (
    tx_hash character varying(66) NOT NULL,
    coupon_id integer NOT NULL,
    number character varying(32) NOT NULL,
    block_number bigint NOT NULL,
    "timestamp" bigint NOT NULL,
    amount_kg bigint NOT NULL,
    first_serial bigint NOT NULL,
    last_serial bigint NOT NULL,
    purpose character varying(24) NOT NULL,
    beneficiary character varying(200) NOT NULL,
    case_reference character varying(200) NOT NULL,
    owner character varying(42) NOT NULL,
    signer character varying(42) NOT NULL
);


--
-- Name: purchases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.purchases (
    id integer NOT NULL,
    buyer_id integer NOT NULL,
    amount_kg bigint NOT NULL,
    reason character varying(400) NOT NULL,
    liable_for_damage boolean NOT NULL,
    authority_document character varying(64),
    status character varying(16) NOT NULL,
    settlement_tx character varying(66),
    created_at timestamp with time zone NOT NULL
);


--
-- Name: purchases_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.purchases_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: purchases_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.purchases_id_seq OWNED BY public.purchases.id;


--
-- Name: role_holders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.role_holders (
    address character varying(42) NOT NULL,
    role character varying(16) NOT NULL
);


--
-- Name: steps; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.steps (
    id integer NOT NULL,
    coupon_id integer,
    application_id integer,
    event character varying(32) NOT NULL,
    tx_hash character varying(66) NOT NULL,
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    "timestamp" bigint NOT NULL,
    signer character varying(42) NOT NULL,
    signer_role character varying(16),
    details json NOT NULL
);


--
-- Name: steps_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.steps_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: steps_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.steps_id_seq OWNED BY public.steps.id;


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    token_hash character varying(64) NOT NULL,
    user_id integer NOT NULL,
    kind character varying(8) NOT NULL,
    expires_at timestamp with time zone
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id integer NOT NULL,
    username character varying(64) NOT NULL,
    password_hash character varying(200) NOT NULL,
    role character varying(16) NOT NULL,
    display_name character varying(200) NOT NULL,
    organisation character varying(200),
    address character varying(42),
    identity_hash character varying(64),
    created_at timestamp with time zone NOT NULL
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;


--
-- Name: application_records application_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_records ALTER COLUMN application_id SET DEFAULT nextval('public.application_records_application_id_seq'::regclass);


--
-- Name: applications id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications ALTER COLUMN id SET DEFAULT nextval('public.applications_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: coupons id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.coupons ALTER COLUMN id SET DEFAULT nextval('public.coupons_id_seq'::regclass);


--
-- Name: index_cursor id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.index_cursor ALTER COLUMN id SET DEFAULT nextval('public.index_cursor_id_seq'::regclass);


--
-- Name: issuances id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.issuances ALTER COLUMN id SET DEFAULT nextval('public.issuances_id_seq'::regclass);


--
-- Name: listing_records coupon_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.listing_records ALTER COLUMN coupon_id SET DEFAULT nextval('public.listing_records_coupon_id_seq'::regclass);


--
-- Name: purchases id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purchases ALTER COLUMN id SET DEFAULT nextval('public.purchases_id_seq'::regclass);


--
-- Name: steps id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.steps ALTER COLUMN id SET DEFAULT nextval('public.steps_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);


--
-- Data for Name: application_records; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.application_records VALUES (1, '泉交河镇某村林地碳汇项目', '[{"number": "430903-108-87999318-1", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "FOREST", "area_mu": "8500"}, {"number": "430903-108-87999318-2", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "WETLAND", "area_mu": "1200"}]', '赫山区自然生态系统碳汇计量方法学（林地）', '{"application_form": "a26d790eeb5f287ad5802255dacc37fa4ac5c521ceb742f60e76e23a60564164", "licence": "1d8150d2969a791b6d5089774778af6bf11c985f73215a6a7d5bb246d7b39d2b", "report": "4e15a921dbd76d8fc1cfaafc4c26412a16cd2fcaa4bcc1c701d414a59a86fdcf", "agreement": "b30ad53b05e9bdb37a5c242ae1238f862b872fdae451f5b113b4fbcf33d342d8", "others": []}', 9, '0x8adee519070bf52c0b7f9dc9fdb60fd3fc8629f3c459baf8b9324ea5fd732716');


--
-- Data for Name: applications; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.applications VALUES (1, '0xf74e2c73983291186Aeb117C153316c7696A0600', 'ISSUED', 1640966400, 1704038400, 12723000, 12723000, true, true, false, '赫环碳备〔2026〕1号', 1795988013);


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (1, '2026-11-29 21:33:20.514159+00', 'coop-87999318', 'HOLDER', 'auth.register_holder', '{"username": "coop-87999318", "organisation": "\u8d6b\u5c71\u533a\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751\u80a1\u4efd\u7ecf\u6d4e\u5408\u4f5c\u793e"}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (2, '2026-11-29 21:33:21.025593+00', 'marathon-87999318', 'HOLDER', 'auth.register_holder', '{"username": "marathon-87999318", "organisation": "2026\u8d6b\u5c71\u9a6c\u62c9\u677e\u7ec4\u59d4\u4f1a"}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (3, '2026-11-29 21:33:22.026917+00', 'builder-87999318', 'HOLDER', 'auth.register_holder', '{"username": "builder-87999318", "organisation": "\u67d0\u4ea4\u901a\u5efa\u8bbe\u6709\u9650\u516c\u53f8"}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (4, '2026-11-29 21:33:23.023212+00', 'bank-87999318', 'HOLDER', 'auth.register_holder', '{"username": "bank-87999318", "organisation": "\u6e56\u5357\u76ca\u9633\u519c\u6751\u5546\u4e1a\u94f6\u884c"}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (5, '2026-11-29 21:33:23.07907+00', 'coop-87999318', 'HOLDER', 'document.upload', '{"sha256": "4e15a921dbd76d8fc1cfaafc4c26412a16cd2fcaa4bcc1c701d414a59a86fdcf", "filename": "\u76d1\u6d4b\u6838\u7b97\u62a5\u544a.pdf", "size": 43}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (6, '2026-11-29 21:33:23.087748+00', 'coop-87999318', 'HOLDER', 'document.upload', '{"sha256": "a26d790eeb5f287ad5802255dacc37fa4ac5c521ceb742f60e76e23a60564164", "filename": "\u767b\u8bb0\u7533\u8bf7\u8868.pdf", "size": 18}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (7, '2026-11-29 21:33:23.094342+00', 'coop-87999318', 'HOLDER', 'document.upload', '{"sha256": "1d8150d2969a791b6d5089774778af6bf11c985f73215a6a7d5bb246d7b39d2b", "filename": "\u7edf\u4e00\u793e\u4f1a\u4fe1\u7528\u4ee3\u7801\u8bc1\u4e66.pdf", "size": 21}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (8, '2026-11-29 21:33:23.11346+00', 'coop-87999318', 'HOLDER', 'document.upload', '{"sha256": "b30ad53b05e9bdb37a5c242ae1238f862b872fdae451f5b113b4fbcf33d342d8", "filename": "\u5408\u4f5c\u5f00\u53d1\u534f\u8bae.pdf", "size": 23}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (9, '2026-11-29 21:33:24.030621+00', 'coop-87999318', 'HOLDER', 'application.submit', '{"project_name": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751\u6797\u5730\u78b3\u6c47\u9879\u76ee", "parcels": [{"number": "430903-108-87999318-1", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "FOREST", "area_mu": "8500"}, {"number": "430903-108-87999318-2", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "land_type": "WETLAND", "area_mu": "1200"}], "monitoring_period": {"start": "2022-01-01", "end": "2024-01-01"}, "methodology": "\u8d6b\u5c71\u533a\u81ea\u7136\u751f\u6001\u7cfb\u7edf\u78b3\u6c47\u8ba1\u91cf\u65b9\u6cd5\u5b66\uff08\u6797\u5730\uff09", "claimed_t": "12723", "documents": {"application_form": "a26d790eeb5f287ad5802255dacc37fa4ac5c521ceb742f60e76e23a60564164", "licence": "1d8150d2969a791b6d5089774778af6bf11c985f73215a6a7d5bb246d7b39d2b", "report": "4e15a921dbd76d8fc1cfaafc4c26412a16cd2fcaa4bcc1c701d414a59a86fdcf", "agreement": "b30ad53b05e9bdb37a5c242ae1238f862b872fdae451f5b113b4fbcf33d342d8", "others": []}}', '0x8adee519070bf52c0b7f9dc9fdb60fd3fc8629f3c459baf8b9324ea5fd732716', 'ok');
INSERT INTO public.audit_log VALUES (10, '2026-11-29 21:33:25.031924+00', 'center_officer', 'CENTER', 'application.formal_review', '{"application": 1, "decision": "pass", "missing_items": [], "reason": null}', '0xe1fc03d6394d5b200af9733fadcafadc5345bdb6193847ee481b1a09bd99fb3a', 'ok');
INSERT INTO public.audit_log VALUES (11, '2026-11-29 21:33:26.017665+00', 'center_officer', 'CENTER', 'application.pause_field_survey', '{"application": 1}', '0x924da57195176181f34754e1ba429d9693fc1368bdc083a14035879240ba08e4', 'ok');
INSERT INTO public.audit_log VALUES (12, '2026-11-29 21:33:27.025691+00', 'center_officer', 'CENTER', 'application.resume_field_survey', '{"application": 1}', '0xba92dd4120418b2931cf13766e14007e9264e7d53bbaf1e2e490450f77568d39', 'ok');
INSERT INTO public.audit_log VALUES (13, '2026-11-29 21:33:28.027694+00', 'center_officer', 'CENTER', 'application.preliminary_review', '{"application": 1}', '0xc37ef62d8b73f03731a941fa041bd4a4fbaf490cd50d7963b3828c354738c1e6', 'ok');
INSERT INTO public.audit_log VALUES (14, '2026-11-29 21:33:29.033576+00', 'verifier_officer', 'VERIFIER', 'application.attest', '{"application": 1, "report": "4e15a921dbd76d8fc1cfaafc4c26412a16cd2fcaa4bcc1c701d414a59a86fdcf", "attested_t": "12723"}', '0x2b29524546656a608768544437b805a00e5f0715caaabd67c08e856fb1217643', 'ok');
INSERT INTO public.audit_log VALUES (15, '2026-11-29 21:33:30.024868+00', 'nrb_officer', 'NRB', 'application.validate', '{"application": 1}', '0xa34113b343251ed93b275fdd02281408d405ad278c00dac865291837bee4964b', 'ok');
INSERT INTO public.audit_log VALUES (16, '2026-11-29 21:33:31.037841+00', 'forestry_officer', 'FORESTRY', 'application.validate', '{"application": 1}', '0x7842428294f45a0586f861a79e45a9f2d8dab9cc59df08c2dfbae976fa4adf55', 'ok');
INSERT INTO public.audit_log VALUES (17, '2026-11-29 21:33:32.025742+00', 'eeb_officer', 'EEB', 'application.file', '{"application": 1, "decision": "file", "filing_number": "\u8d6b\u73af\u78b3\u5907\u30142026\u30151\u53f7", "reason": null}', '0x267b96146b7b1a912b5a21b02feadb0378c789f2f2c4aa1cfdb91993f6926b2b', 'ok');
INSERT INTO public.audit_log VALUES (18, '2026-11-29 21:33:33.034027+00', 'gov_officer', 'GOV', 'application.mint', '{"application": 1}', '0xa64355d9856ec8a990de61438141293f9677f845307d0883572e700dbb6858b8', 'ok');
INSERT INTO public.audit_log VALUES (19, '2026-11-29 21:33:34.024392+00', 'coop-87999318', 'HOLDER', 'coupon.request.list', '{"coupon": "HSTQ-2026-0001-0001", "action": "LIST", "amount_t": null, "counterparty": null}', '0x1a0539024c8a6959ba583a22b37054a8b98e07378d719398683f41469f173873', 'ok');
INSERT INTO public.audit_log VALUES (20, '2026-11-29 21:33:35.023035+00', 'center_officer', 'CENTER', 'coupon.list', '{"coupon": "HSTQ-2026-0001-0001", "price_yuan_per_t": "30.00", "notice_days": 10, "project_area_mu": "9700", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "remarks": ""}', '0x5b1f5d97c5167bf72f0b29ec559e25f7a97c547bad3015b8d36de3a33e6314c1', 'ok');
INSERT INTO public.audit_log VALUES (21, '2026-11-29 21:33:35.065295+00', 'marathon-87999318', 'HOLDER', 'purchase.apply', '{"purchase": 1, "amount_t": "2723", "reason": "\u8d5b\u4e8b\u78b3\u4e2d\u548c event neutrality", "liable_for_damage": false, "authority_document": null}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (22, '2026-11-29 21:33:35.076895+00', 'center_officer', 'CENTER', 'document.upload', '{"sha256": "83913d944da5b4a6be5f8ba15831d42a336ea92f35a2202d346777daa0a9ebcd", "filename": "\u4ea4\u6613\u534f\u8bae.pdf", "size": 29}', NULL, 'ok');
INSERT INTO public.audit_log VALUES (23, '2026-11-29 21:33:36.038326+00', 'center_officer', 'CENTER', 'coupon.settle_trade', '{"coupon": "HSTQ-2026-0001-0001", "purchase_id": 1, "amount_t": "2723", "price_yuan_per_t": "30.00", "service_fee_yuan": "816.90", "agreement": "83913d944da5b4a6be5f8ba15831d42a336ea92f35a2202d346777daa0a9ebcd"}', '0xa537aeded2e1e655b374ac8b8fa8cd941161c907abedfab5332a64d9ab991016', 'ok');
INSERT INTO public.audit_log VALUES (24, '2026-11-29 21:33:37.033733+00', 'center_officer', 'CENTER', 'coupon.withdraw_listing', '{"coupon": "HSTQ-2026-0001-0003"}', '0xe5be1ad166f2a6d0b6aa2ec918f25dac015345d4a1f126a5e9cccf5d8a5199dd', 'ok');
INSERT INTO public.audit_log VALUES (25, '2026-11-29 21:33:38.027195+00', 'coop-87999318', 'HOLDER', 'coupon.request.pledge', '{"coupon": "HSTQ-2026-0001-0003", "action": "PLEDGE", "amount_t": "5000", "counterparty": "bank-87999318"}', '0x4e687a05b5c286c5ea8d603314d5d4f683af617fc937d4e155710f93d94be00a', 'ok');
INSERT INTO public.audit_log VALUES (26, '2026-11-29 21:33:39.042189+00', 'finance_officer', 'FINANCE', 'coupon.pledge', '{"coupon": "HSTQ-2026-0001-0003", "secured_yuan": "100000.00", "term_end": "2027-12-31"}', '0x59a9b6a21989b0c19de7e32327b59eb983c60455412ad40bd1fc7df68b68a199', 'ok');
INSERT INTO public.audit_log VALUES (27, '2026-11-29 21:33:40.033545+00', 'bank-87999318', 'HOLDER', 'coupon.release_pledge', '{"coupon": "HSTQ-2026-0001-0004"}', '0xf85a453912d4d1aa3fa68be1fbf8afb236ad04824b6814988ee0ea874532f343', 'ok');
INSERT INTO public.audit_log VALUES (28, '2026-11-29 21:33:41.025512+00', 'coop-87999318', 'HOLDER', 'coupon.request.loss', '{"coupon": "HSTQ-2026-0001-0004", "action": "LOSS", "amount_t": null, "counterparty": null}', '0xcb8be3a086cb5be053e82b080afa7cec6eca8d70e26dfc7f5d79871b6b386f4f', 'ok');
INSERT INTO public.audit_log VALUES (29, '2026-11-29 21:33:42.02585+00', 'center_officer', 'CENTER', 'coupon.report_loss', '{"coupon": "HSTQ-2026-0001-0004"}', '0x159070c27d236a70c218e361249f9174dd0916ff57c9f914062a430bf8c61a68', 'ok');
INSERT INTO public.audit_log VALUES (30, '2026-11-29 21:33:43.038019+00', 'eeb_officer', 'EEB', 'coupon.file_reissue', '{"coupon": "HSTQ-2026-0001-0004", "filing_number": "\u8d6b\u73af\u78b3\u8865\u30142026\u30151\u53f7"}', '0xe3c2757a7324af510988288925d287c9e21eb1b38be8ca9359c5352d0888409c', 'ok');
INSERT INTO public.audit_log VALUES (31, '2026-11-29 21:33:44.03133+00', 'gov_officer', 'GOV', 'coupon.reissue', '{"coupon": "HSTQ-2026-0001-0004"}', '0x01243d22cb88ff6b03d85891150105ba5dfe12c2f16a5d758f3619148aaa2f4c', 'reverted: ledger: notice period not over');
INSERT INTO public.audit_log VALUES (32, '2026-11-29 21:33:45.095223+00', 'gov_officer', 'GOV', 'coupon.reissue', '{"coupon": "HSTQ-2026-0001-0004"}', '0xd59ef79bfd2ef25622ecddd5e473afdfe5f73b0904b161bddcfa145cf8fa924e', 'reverted: ledger: notice period not over');
INSERT INTO public.audit_log VALUES (33, '2026-11-29 21:33:46.157619+00', 'gov_officer', 'GOV', 'coupon.reissue', '{"coupon": "HSTQ-2026-0001-0004"}', '0xe51b93fa08adc6b6adab7f410780c0cbbaf973b550027f7edb14d353aa1deef0', 'reverted: ledger: notice period not over');
INSERT INTO public.audit_log VALUES (34, '2026-11-29 21:33:47.217756+00', 'gov_officer', 'GOV', 'coupon.reissue', '{"coupon": "HSTQ-2026-0001-0004"}', '0xce5ac333145d43e89982cc7b0c7a14e69db7625f141c5a4592faf6f6c9be9890', 'ok');
INSERT INTO public.audit_log VALUES (35, '2026-11-29 21:33:48.037532+00', 'marathon-87999318', 'HOLDER', 'coupon.request.offset', '{"coupon": "HSTQ-2026-0001-0002", "action": "OFFSET", "amount_t": null, "counterparty": null}', '0x228a3c8173221debc18e2fb98870a443e246202a5fd70a9ae86abc46ad466c64', 'ok');
INSERT INTO public.audit_log VALUES (36, '2026-11-29 21:33:49.041912+00', 'eeb_officer', 'EEB', 'coupon.offset', '{"coupon": "HSTQ-2026-0001-0002", "purpose": "EVENT_NEUTRALITY", "beneficiary": "2026\u8d6b\u5c71\u9a6c\u62c9\u677e\u7ec4\u59d4\u4f1a", "case_reference": "HS-EV-2026-001"}', '0x55eb27957d31a911330612fa418e233ba19ca622b63a0186de6e0e3957fbcbdd', 'ok');
INSERT INTO public.audit_log VALUES (38, '2026-11-29 21:33:51.102952+00', 'center_officer', 'CENTER', 'coupon.transfer', '{"coupon": "HSTQ-2026-0001-0006"}', '0xd51df8e4bd12757e56a62c8a39c719bec68f6656a066317deb6b9f60a7a6b9d5', 'ok');
INSERT INTO public.audit_log VALUES (40, '2026-11-29 21:33:53.160465+00', 'eeb_officer', 'EEB', 'coupon.offset', '{"coupon": "HSTQ-2026-0001-0007", "purpose": "ECO_COMPENSATION", "beneficiary": "\u67d0\u4ea4\u901a\u5efa\u8bbe\u6709\u9650\u516c\u53f8", "case_reference": "\u8d6b\u81ea\u7136\u8d44\u30142026\u3015\u7528\u573012\u53f7"}', '0xf6962c13ecfa60404b9a644ed4996691a284ce84e9469406d5ff52706a79e818', 'ok');
INSERT INTO public.audit_log VALUES (37, '2026-11-29 21:33:50.038868+00', 'coop-87999318', 'HOLDER', 'coupon.request.transfer', '{"coupon": "HSTQ-2026-0001-0006", "action": "TRANSFER", "amount_t": "300.000", "counterparty": "builder-87999318"}', '0xa65e82a0f9e95e1f2c0e46dae311b77ea53de0d8d35ccbd5ba1c046a2b62155c', 'ok');
INSERT INTO public.audit_log VALUES (39, '2026-11-29 21:33:52.093747+00', 'builder-87999318', 'HOLDER', 'coupon.request.offset', '{"coupon": "HSTQ-2026-0001-0007", "action": "OFFSET", "amount_t": null, "counterparty": null}', '0x28c3be3c90fccaec9bd662b27de4403ede3ded3807d649f61ac4172ec3b7ceae', 'ok');


--
-- Data for Name: coupons; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.coupons VALUES (1, 'HSTQ-2026-0001-0001', 1, 1, 1, 12723000, 12723000, '0xf74e2c73983291186Aeb117C153316c7696A0600', 'SPLIT', NULL, NULL, NULL, NULL, NULL, NULL, 1795988013, 1795988016);
INSERT INTO public.coupons VALUES (3, 'HSTQ-2026-0001-0003', 1, 3, 2723001, 12723000, 10000000, '0xf74e2c73983291186Aeb117C153316c7696A0600', 'SPLIT', 1, NULL, NULL, NULL, NULL, NULL, 1795988016, 1795988019);
INSERT INTO public.coupons VALUES (5, 'HSTQ-2026-0001-0005', 1, 5, 7723001, 12723000, 5000000, '0xf74e2c73983291186Aeb117C153316c7696A0600', 'ACTIVE', 3, NULL, NULL, NULL, NULL, NULL, 1795988019, 1795988019);
INSERT INTO public.coupons VALUES (4, 'HSTQ-2026-0001-0004', 1, 4, 2723001, 7723000, 5000000, '0xf74e2c73983291186Aeb117C153316c7696A0600', 'VOIDED', 3, NULL, 6, NULL, NULL, NULL, 1795988019, 1795988027);
INSERT INTO public.coupons VALUES (2, 'HSTQ-2026-0001-0002', 1, 2, 1, 2723000, 2723000, '0x2AA85F165bfA8A64cf066b415977Be43F07A109C', 'RETIRED', 1, NULL, NULL, NULL, NULL, NULL, 1795988016, 1795988029);
INSERT INTO public.coupons VALUES (6, 'HSTQ-2026-0001-0006', 1, 6, 2723001, 7723000, 5000000, '0xf74e2c73983291186Aeb117C153316c7696A0600', 'SPLIT', NULL, 4, NULL, NULL, NULL, NULL, 1795988027, 1795988031);
INSERT INTO public.coupons VALUES (8, 'HSTQ-2026-0001-0008', 1, 8, 3023001, 7723000, 4700000, '0xf74e2c73983291186Aeb117C153316c7696A0600', 'ACTIVE', 6, NULL, NULL, NULL, NULL, NULL, 1795988031, 1795988031);
INSERT INTO public.coupons VALUES (7, 'HSTQ-2026-0001-0007', 1, 7, 2723001, 3023000, 300000, '0xac955787b2F94ee82e795E4724ef1eab6F9014DD', 'RETIRED', 6, NULL, NULL, NULL, NULL, NULL, 1795988031, 1795988033);


--
-- Data for Name: documents; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.documents VALUES ('4e15a921dbd76d8fc1cfaafc4c26412a16cd2fcaa4bcc1c701d414a59a86fdcf', '监测核算报告.pdf', 'application/pdf', 43, 9);
INSERT INTO public.documents VALUES ('a26d790eeb5f287ad5802255dacc37fa4ac5c521ceb742f60e76e23a60564164', '登记申请表.pdf', 'application/pdf', 18, 9);
INSERT INTO public.documents VALUES ('1d8150d2969a791b6d5089774778af6bf11c985f73215a6a7d5bb246d7b39d2b', '统一社会信用代码证书.pdf', 'application/pdf', 21, 9);
INSERT INTO public.documents VALUES ('b30ad53b05e9bdb37a5c242ae1238f862b872fdae451f5b113b4fbcf33d342d8', '合作开发协议.pdf', 'application/pdf', 23, 9);
INSERT INTO public.documents VALUES ('83913d944da5b4a6be5f8ba15831d42a336ea92f35a2202d346777daa0a9ebcd', '交易协议.pdf', 'application/pdf', 29, 2);


--
-- Data for Name: index_cursor; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.index_cursor VALUES (1, 39);


--
-- Data for Name: issuances; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.issuances VALUES (1, 1, 2026, 12723000, '0xa64355d9856ec8a990de61438141293f9677f845307d0883572e700dbb6858b8');


--
-- Data for Name: listing_records; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.listing_records VALUES (1, 3000, 1796852014, '{"price_yuan_per_t": "30.00", "notice_days": 10, "project_area_mu": "9700", "location": "\u6cc9\u4ea4\u6cb3\u9547\u67d0\u6751", "remarks": ""}', '0x5b1f5d97c5167bf72f0b29ec559e25f7a97c547bad3015b8d36de3a33e6314c1');


--
-- Data for Name: offsets; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.offsets VALUES ('0x55eb27957d31a911330612fa418e233ba19ca622b63a0186de6e0e3957fbcbdd', 2, 'HSTQ-2026-0001-0002', 35, 1795988029, 2723000, 1, 2723000, 'EVENT_NEUTRALITY', '2026赫山马拉松组委会', 'HS-EV-2026-001', '0x2AA85F165bfA8A64cf066b415977Be43F07A109C', '0x978F94cCC75765a61449a7ab20a7d4C57525CdD3');
INSERT INTO public.offsets VALUES ('0xf6962c13ecfa60404b9a644ed4996691a284ce84e9469406d5ff52706a79e818', 7, 'HSTQ-2026-0001-0007', 39, 1795988033, 300000, 2723001, 3023000, 'ECO_COMPENSATION', '某交通建设有限公司', '赫自然资〔2026〕用地12号', '0xac955787b2F94ee82e795E4724ef1eab6F9014DD', '0x978F94cCC75765a61449a7ab20a7d4C57525CdD3');


--
-- Data for Name: purchases; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.purchases VALUES (1, 10, 2723000, '赛事碳中和 event neutrality', false, NULL, 'SETTLED', '0xa537aeded2e1e655b374ac8b8fa8cd941161c907abedfab5332a64d9ab991016', '2026-11-29 21:33:35.062492+00');


--
-- Data for Name: role_holders; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.role_holders VALUES ('0x21Decc88Cc1fd00A4B4106bbF34bff486c0063f1', 'DRC');
INSERT INTO public.role_holders VALUES ('0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER');
INSERT INTO public.role_holders VALUES ('0x39E9BA9Bf8410afe211a89231985f711C668eb1C', 'NRB');
INSERT INTO public.role_holders VALUES ('0xEA2610738E1791D734fb39064A5BA09f80517722', 'FORESTRY');
INSERT INTO public.role_holders VALUES ('0x978F94cCC75765a61449a7ab20a7d4C57525CdD3', 'EEB');
INSERT INTO public.role_holders VALUES ('0x05B17bAcBFC95BcE79c4252a4f484A039B4Df5fA', 'GOV');
INSERT INTO public.role_holders VALUES ('0x64252013e3e1bd9C92592E2C8e21aDe86c8E4BDD', 'FINANCE');
INSERT INTO public.role_holders VALUES ('0x760dc9171D2585Da37Ade8Ae9D725973B7448267', 'VERIFIER');


--
-- Data for Name: steps; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.steps VALUES (1, NULL, NULL, 'LedgerSet', '0x4d9fc60e599c39fd7678a7d9a11d3d47d1652f19bd5410a5caf22f53b6f12953', 4, 0, 1795987998, '0x21Decc88Cc1fd00A4B4106bbF34bff486c0063f1', 'DRC', '{"ledger": "0x905428D11FBce515DDec0859b330Dd13984C386c"}');
INSERT INTO public.steps VALUES (2, NULL, 1, 'ApplicationSubmitted', '0x8adee519070bf52c0b7f9dc9fdb60fd3fc8629f3c459baf8b9324ea5fd732716', 10, 0, 1795988004, '0xf74e2c73983291186Aeb117C153316c7696A0600', NULL, '{"application": 1, "applicant": "0xf74e2c73983291186Aeb117C153316c7696A0600", "parcels": ["0xd174c17b26df519d370f714fdc6c96b42c3f87feb0934b6d6c3ad10bd1c8c5d9", "0x09924e664db1ce86148b51afc1b2b9f95d5e01de170760e3a429251930d79cb7"], "period_start": 1640966400, "period_end": 1704038400, "claimed_kg": 12723000, "documents_hash": "0x4b07ba3b8198f5df5585a41df44cd8629c7c28da78e912789075f1cb6e90aa34", "report_hash": "0x4e15a921dbd76d8fc1cfaafc4c26412a16cd2fcaa4bcc1c701d414a59a86fdcf"}');
INSERT INTO public.steps VALUES (3, NULL, 1, 'FormalReviewPassed', '0xe1fc03d6394d5b200af9733fadcafadc5345bdb6193847ee481b1a09bd99fb3a', 11, 0, 1795988005, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"application": 1}');
INSERT INTO public.steps VALUES (4, NULL, 1, 'FieldSurveyPaused', '0x924da57195176181f34754e1ba429d9693fc1368bdc083a14035879240ba08e4', 12, 0, 1795988006, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"application": 1}');
INSERT INTO public.steps VALUES (5, NULL, 1, 'FieldSurveyResumed', '0xba92dd4120418b2931cf13766e14007e9264e7d53bbaf1e2e490450f77568d39', 13, 0, 1795988007, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"application": 1}');
INSERT INTO public.steps VALUES (6, NULL, 1, 'PreliminaryReviewPassed', '0xc37ef62d8b73f03731a941fa041bd4a4fbaf490cd50d7963b3828c354738c1e6', 14, 0, 1795988008, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"application": 1}');
INSERT INTO public.steps VALUES (7, NULL, 1, 'ReportAttested', '0x2b29524546656a608768544437b805a00e5f0715caaabd67c08e856fb1217643', 15, 0, 1795988009, '0x760dc9171D2585Da37Ade8Ae9D725973B7448267', 'VERIFIER', '{"application": 1, "verifier": "0x760dc9171D2585Da37Ade8Ae9D725973B7448267", "report_hash": "0x4e15a921dbd76d8fc1cfaafc4c26412a16cd2fcaa4bcc1c701d414a59a86fdcf", "attested_kg": 12723000}');
INSERT INTO public.steps VALUES (8, NULL, 1, 'ValidationSigned', '0xa34113b343251ed93b275fdd02281408d405ad278c00dac865291837bee4964b', 16, 0, 1795988010, '0x39E9BA9Bf8410afe211a89231985f711C668eb1C', 'NRB', '{"application": 1, "department": "0x6697f4bfb3f7880a4d2cb761d9a8c5a6e7f5a887db96a0fb48c8a1434609f2bc"}');
INSERT INTO public.steps VALUES (9, NULL, 1, 'ValidationSigned', '0x7842428294f45a0586f861a79e45a9f2d8dab9cc59df08c2dfbae976fa4adf55', 17, 0, 1795988011, '0xEA2610738E1791D734fb39064A5BA09f80517722', 'FORESTRY', '{"application": 1, "department": "0x28deff9ce82d9e44d2bbbebe108c40620b6a000b3a6766d3ae8b7931ee626a73"}');
INSERT INTO public.steps VALUES (10, NULL, 1, 'ApplicationValidated', '0x7842428294f45a0586f861a79e45a9f2d8dab9cc59df08c2dfbae976fa4adf55', 17, 1, 1795988011, '0xEA2610738E1791D734fb39064A5BA09f80517722', 'FORESTRY', '{"application": 1, "amount_kg": 12723000}');
INSERT INTO public.steps VALUES (11, NULL, 1, 'ApplicationFiled', '0x267b96146b7b1a912b5a21b02feadb0378c789f2f2c4aa1cfdb91993f6926b2b', 18, 0, 1795988012, '0x978F94cCC75765a61449a7ab20a7d4C57525CdD3', 'EEB', '{"application": 1, "filing_number": "\u8d6b\u73af\u78b3\u5907\u30142026\u30151\u53f7"}');
INSERT INTO public.steps VALUES (12, NULL, 1, 'ApplicationIssued', '0xa64355d9856ec8a990de61438141293f9677f845307d0883572e700dbb6858b8', 19, 0, 1795988013, '0x05B17bAcBFC95BcE79c4252a4f484A039B4Df5fA', 'GOV', '{"application": 1}');
INSERT INTO public.steps VALUES (13, 1, NULL, 'CouponCreated', '0xa64355d9856ec8a990de61438141293f9677f845307d0883572e700dbb6858b8', 19, 2, 1795988013, '0x05B17bAcBFC95BcE79c4252a4f484A039B4Df5fA', 'GOV', '{"coupon": 1, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 1, "first_serial": 1, "last_serial": 12723000, "state": 1, "parent": 0, "replaces": 0}');
INSERT INTO public.steps VALUES (14, 1, NULL, 'RequestMade', '0x1a0539024c8a6959ba583a22b37054a8b98e07378d719398683f41469f173873', 20, 0, 1795988014, '0xf74e2c73983291186Aeb117C153316c7696A0600', NULL, '{"coupon": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "action": 1, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 12723000}');
INSERT INTO public.steps VALUES (15, 1, NULL, 'CouponListed', '0x5b1f5d97c5167bf72f0b29ec559e25f7a97c547bad3015b8d36de3a33e6314c1', 21, 1, 1795988015, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 1, "price_fen_per_tonne": 3000, "notice_end": 1796852014, "disclosure_hash": "0x7c8c2517e3e86b85916cdced5e26c0be7e40347faf4a995bcf9da61c9db569d9"}');
INSERT INTO public.steps VALUES (16, 2, NULL, 'CouponCreated', '0xa537aeded2e1e655b374ac8b8fa8cd941161c907abedfab5332a64d9ab991016', 22, 0, 1795988016, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 2, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 2, "first_serial": 1, "last_serial": 2723000, "state": 2, "parent": 1, "replaces": 0}');
INSERT INTO public.steps VALUES (17, 3, NULL, 'CouponCreated', '0xa537aeded2e1e655b374ac8b8fa8cd941161c907abedfab5332a64d9ab991016', 22, 1, 1795988016, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 3, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 3, "first_serial": 2723001, "last_serial": 12723000, "state": 2, "parent": 1, "replaces": 0}');
INSERT INTO public.steps VALUES (18, 1, NULL, 'CouponSplit', '0xa537aeded2e1e655b374ac8b8fa8cd941161c907abedfab5332a64d9ab991016', 22, 3, 1795988016, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"parent": 1, "part": 2, "rest": 3}');
INSERT INTO public.steps VALUES (19, 2, NULL, 'TradeSettled', '0xa537aeded2e1e655b374ac8b8fa8cd941161c907abedfab5332a64d9ab991016', 22, 5, 1795988016, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 2, "seller": "0xf74e2c73983291186Aeb117C153316c7696A0600", "buyer": "0x2AA85F165bfA8A64cf066b415977Be43F07A109C", "amount_kg": 2723000, "price_fen_per_tonne": 3000, "service_fee_fen": 81690, "agreement_hash": "0x83913d944da5b4a6be5f8ba15831d42a336ea92f35a2202d346777daa0a9ebcd"}');
INSERT INTO public.steps VALUES (20, 3, NULL, 'ListingWithdrawn', '0xe5be1ad166f2a6d0b6aa2ec918f25dac015345d4a1f126a5e9cccf5d8a5199dd', 23, 1, 1795988017, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 3}');
INSERT INTO public.steps VALUES (21, 3, NULL, 'RequestMade', '0x4e687a05b5c286c5ea8d603314d5d4f683af617fc937d4e155710f93d94be00a', 24, 0, 1795988018, '0xf74e2c73983291186Aeb117C153316c7696A0600', NULL, '{"coupon": 3, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "action": 4, "counterparty": "0xbeD676f00C3a8dbC57147380e647665A92E4FCC7", "amount_kg": 5000000}');
INSERT INTO public.steps VALUES (22, 4, NULL, 'CouponCreated', '0x59a9b6a21989b0c19de7e32327b59eb983c60455412ad40bd1fc7df68b68a199', 25, 0, 1795988019, '0x64252013e3e1bd9C92592E2C8e21aDe86c8E4BDD', 'FINANCE', '{"coupon": 4, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 4, "first_serial": 2723001, "last_serial": 7723000, "state": 1, "parent": 3, "replaces": 0}');
INSERT INTO public.steps VALUES (23, 5, NULL, 'CouponCreated', '0x59a9b6a21989b0c19de7e32327b59eb983c60455412ad40bd1fc7df68b68a199', 25, 1, 1795988019, '0x64252013e3e1bd9C92592E2C8e21aDe86c8E4BDD', 'FINANCE', '{"coupon": 5, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 5, "first_serial": 7723001, "last_serial": 12723000, "state": 1, "parent": 3, "replaces": 0}');
INSERT INTO public.steps VALUES (24, 3, NULL, 'CouponSplit', '0x59a9b6a21989b0c19de7e32327b59eb983c60455412ad40bd1fc7df68b68a199', 25, 3, 1795988019, '0x64252013e3e1bd9C92592E2C8e21aDe86c8E4BDD', 'FINANCE', '{"parent": 3, "part": 4, "rest": 5}');
INSERT INTO public.steps VALUES (25, 4, NULL, 'CouponPledged', '0x59a9b6a21989b0c19de7e32327b59eb983c60455412ad40bd1fc7df68b68a199', 25, 5, 1795988019, '0x64252013e3e1bd9C92592E2C8e21aDe86c8E4BDD', 'FINANCE', '{"coupon": 4, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "pledgee": "0xbeD676f00C3a8dbC57147380e647665A92E4FCC7", "amount_kg": 5000000, "secured_fen": 10000000, "term_end": 1830182400}');
INSERT INTO public.steps VALUES (26, 4, NULL, 'PledgeReleased', '0xf85a453912d4d1aa3fa68be1fbf8afb236ad04824b6814988ee0ea874532f343', 26, 1, 1795988020, '0xbeD676f00C3a8dbC57147380e647665A92E4FCC7', NULL, '{"coupon": 4, "pledgee": "0xbeD676f00C3a8dbC57147380e647665A92E4FCC7"}');
INSERT INTO public.steps VALUES (30, 6, NULL, 'CouponCreated', '0xce5ac333145d43e89982cc7b0c7a14e69db7625f141c5a4592faf6f6c9be9890', 33, 1, 1795988027, '0x05B17bAcBFC95BcE79c4252a4f484A039B4Df5fA', 'GOV', '{"coupon": 6, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 6, "first_serial": 2723001, "last_serial": 7723000, "state": 1, "parent": 0, "replaces": 4}');
INSERT INTO public.steps VALUES (31, 4, NULL, 'CouponVoided', '0xce5ac333145d43e89982cc7b0c7a14e69db7625f141c5a4592faf6f6c9be9890', 33, 2, 1795988027, '0x05B17bAcBFC95BcE79c4252a4f484A039B4Df5fA', 'GOV', '{"coupon": 4, "replaced_by": 6}');
INSERT INTO public.steps VALUES (32, 2, NULL, 'RequestMade', '0x228a3c8173221debc18e2fb98870a443e246202a5fd70a9ae86abc46ad466c64', 34, 0, 1795988028, '0x2AA85F165bfA8A64cf066b415977Be43F07A109C', NULL, '{"coupon": 2, "owner": "0x2AA85F165bfA8A64cf066b415977Be43F07A109C", "action": 8, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 2723000}');
INSERT INTO public.steps VALUES (33, 2, NULL, 'CouponRetired', '0x55eb27957d31a911330612fa418e233ba19ca622b63a0186de6e0e3957fbcbdd', 35, 1, 1795988029, '0x978F94cCC75765a61449a7ab20a7d4C57525CdD3', 'EEB', '{"coupon": 2, "owner": "0x2AA85F165bfA8A64cf066b415977Be43F07A109C", "issuance": 1, "seq": 2, "first_serial": 1, "last_serial": 2723000, "amount_kg": 2723000, "purpose": 2, "beneficiary": "2026\u8d6b\u5c71\u9a6c\u62c9\u677e\u7ec4\u59d4\u4f1a", "case_reference": "HS-EV-2026-001"}');
INSERT INTO public.steps VALUES (35, 7, NULL, 'CouponCreated', '0xd51df8e4bd12757e56a62c8a39c719bec68f6656a066317deb6b9f60a7a6b9d5', 37, 0, 1795988031, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 7, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 7, "first_serial": 2723001, "last_serial": 3023000, "state": 1, "parent": 6, "replaces": 0}');
INSERT INTO public.steps VALUES (36, 8, NULL, 'CouponCreated', '0xd51df8e4bd12757e56a62c8a39c719bec68f6656a066317deb6b9f60a7a6b9d5', 37, 1, 1795988031, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 8, "issuance": 1, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "seq": 8, "first_serial": 3023001, "last_serial": 7723000, "state": 1, "parent": 6, "replaces": 0}');
INSERT INTO public.steps VALUES (37, 6, NULL, 'CouponSplit', '0xd51df8e4bd12757e56a62c8a39c719bec68f6656a066317deb6b9f60a7a6b9d5', 37, 3, 1795988031, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"parent": 6, "part": 7, "rest": 8}');
INSERT INTO public.steps VALUES (38, 7, NULL, 'CouponTransferred', '0xd51df8e4bd12757e56a62c8a39c719bec68f6656a066317deb6b9f60a7a6b9d5', 37, 5, 1795988031, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 7, "sender": "0xf74e2c73983291186Aeb117C153316c7696A0600", "receiver": "0xac955787b2F94ee82e795E4724ef1eab6F9014DD", "amount_kg": 300000}');
INSERT INTO public.steps VALUES (27, 4, NULL, 'RequestMade', '0xcb8be3a086cb5be053e82b080afa7cec6eca8d70e26dfc7f5d79871b6b386f4f', 27, 0, 1795988021, '0xf74e2c73983291186Aeb117C153316c7696A0600', NULL, '{"coupon": 4, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "action": 16, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 5000000}');
INSERT INTO public.steps VALUES (28, 4, NULL, 'LossReported', '0x159070c27d236a70c218e361249f9174dd0916ff57c9f914062a430bf8c61a68', 28, 1, 1795988022, '0x761D8Ee4ab687E617559241537727737911efbF1', 'CENTER', '{"coupon": 4, "notice_end": 1795988027}');
INSERT INTO public.steps VALUES (29, 4, NULL, 'ReissueFiled', '0xe3c2757a7324af510988288925d287c9e21eb1b38be8ca9359c5352d0888409c', 29, 0, 1795988023, '0x978F94cCC75765a61449a7ab20a7d4C57525CdD3', 'EEB', '{"coupon": 4, "filing_number": "\u8d6b\u73af\u78b3\u8865\u30142026\u30151\u53f7"}');
INSERT INTO public.steps VALUES (34, 6, NULL, 'RequestMade', '0xa65e82a0f9e95e1f2c0e46dae311b77ea53de0d8d35ccbd5ba1c046a2b62155c', 36, 0, 1795988030, '0xf74e2c73983291186Aeb117C153316c7696A0600', NULL, '{"coupon": 6, "owner": "0xf74e2c73983291186Aeb117C153316c7696A0600", "action": 2, "counterparty": "0xac955787b2F94ee82e795E4724ef1eab6F9014DD", "amount_kg": 300000}');
INSERT INTO public.steps VALUES (39, 7, NULL, 'RequestMade', '0x28c3be3c90fccaec9bd662b27de4403ede3ded3807d649f61ac4172ec3b7ceae', 38, 0, 1795988032, '0xac955787b2F94ee82e795E4724ef1eab6F9014DD', NULL, '{"coupon": 7, "owner": "0xac955787b2F94ee82e795E4724ef1eab6F9014DD", "action": 8, "counterparty": "0x0000000000000000000000000000000000000000", "amount_kg": 300000}');
INSERT INTO public.steps VALUES (40, 7, NULL, 'CouponRetired', '0xf6962c13ecfa60404b9a644ed4996691a284ce84e9469406d5ff52706a79e818', 39, 1, 1795988033, '0x978F94cCC75765a61449a7ab20a7d4C57525CdD3', 'EEB', '{"coupon": 7, "owner": "0xac955787b2F94ee82e795E4724ef1eab6F9014DD", "issuance": 1, "seq": 7, "first_serial": 2723001, "last_serial": 3023000, "amount_kg": 300000, "purpose": 1, "beneficiary": "\u67d0\u4ea4\u901a\u5efa\u8bbe\u6709\u9650\u516c\u53f8", "case_reference": "\u8d6b\u81ea\u7136\u8d44\u30142026\u3015\u7528\u573012\u53f7"}');


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tokens VALUES ('99c2a79da9fb2ca1c86edc59e4d437d1f42a8aca26b10a8818a841e265d1eb6f', 1, 'session', '2026-11-30 09:33:19.340307+00');
INSERT INTO public.tokens VALUES ('ca4f0d41635c1bf51d1dc055ae1dfb9c7e8158500dc788c9dfdda33be7c9af95', 2, 'session', '2026-11-30 09:33:19.359841+00');
INSERT INTO public.tokens VALUES ('3dc5a1a65a9365a0eb79373d4d32ac5e28935891b98449c2adb521e8615950b9', 3, 'session', '2026-11-30 09:33:19.376988+00');
INSERT INTO public.tokens VALUES ('0bec3da537fa7f14213bd72826f1ddef31aad0b5ecaca4ae67a15cbcb2fefd74', 4, 'session', '2026-11-30 09:33:19.395801+00');
INSERT INTO public.tokens VALUES ('6b0868307371fa762d74e6ce73e8b723ddb72ffa140d6beb26bd1aeeb84b57a4', 5, 'session', '2026-11-30 09:33:19.409927+00');
INSERT INTO public.tokens VALUES ('f90722adab621f42214b62fad90b21216778a57f85ce9ff810d1933f8dac03b9', 6, 'session', '2026-11-30 09:33:19.420987+00');
INSERT INTO public.tokens VALUES ('cbbf33dc254840f621c9a6d371aefa649ba51297626f8eaaaa2624d6e65e99a4', 7, 'session', '2026-11-30 09:33:19.436989+00');
INSERT INTO public.tokens VALUES ('7ed4928d7623a32c65f5e734449f02e3281eccf07dc7cd5a655c064a1c9268c5', 8, 'session', '2026-11-30 09:33:19.449006+00');
INSERT INTO public.tokens VALUES ('54ddc9ffb7dfff90fbe1a00cca5f3722a385a344f65b8a1d1d90b9a67ed28aed', 9, 'session', '2026-11-30 09:33:20.525007+00');
INSERT INTO public.tokens VALUES ('913e420f94fc223c6783c7a27937ab797b2f6cdd90df020220159ca90d74b447', 10, 'session', '2026-11-30 09:33:21.035652+00');
INSERT INTO public.tokens VALUES ('bbf628bae8ec81de809da76a1972a715b3cb80b8dbb94af33ace95c3b503c633', 11, 'session', '2026-11-30 09:33:22.041021+00');
INSERT INTO public.tokens VALUES ('7e3b26d6f30a76a1580c2a249b2f5da8b6fac7304964fd65f65407116a5f7fd5', 12, 'session', '2026-11-30 09:33:23.029666+00');


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users VALUES (1, 'drc_officer', '$argon2id$v=19$m=32,t=1,p=4$ZpF1mhb9wUWAv16dE+Arhw$6fZwioc+auB5SFGEqmwLnQlxftr0itCYMha8+C94UA0', 'DRC', '区发改局', NULL, NULL, NULL, '2026-11-29 21:33:19.246367+00');
INSERT INTO public.users VALUES (2, 'center_officer', '$argon2id$v=19$m=32,t=1,p=4$oGpp7UBfDiyxcUE5UzOu2A$6oeDMy6W/WxxKR8uylkUShPppRR5ECCv1EPtg5QB2GY', 'CENTER', '碳汇交易综合服务中心', NULL, NULL, NULL, '2026-11-29 21:33:19.253171+00');
INSERT INTO public.users VALUES (3, 'nrb_officer', '$argon2id$v=19$m=32,t=1,p=4$4eX76dWZfo8Eucig5//bLQ$qhpbOG7NbV9SJPoE6PqQ+tuSJpXply7jLNQ+OoXkwGk', 'NRB', '区自然资源局', NULL, NULL, NULL, '2026-11-29 21:33:19.265267+00');
INSERT INTO public.users VALUES (4, 'forestry_officer', '$argon2id$v=19$m=32,t=1,p=4$8Igh0hypwYM4IJIvbJNr6w$8ZtlLMh3P9T9rPiq98zWGy28qD9yToXIJCbpwalm12o', 'FORESTRY', '区林业局', NULL, NULL, NULL, '2026-11-29 21:33:19.276727+00');
INSERT INTO public.users VALUES (5, 'eeb_officer', '$argon2id$v=19$m=32,t=1,p=4$OmKdo9Y8kkl641+OVeLAUQ$ROaMFLjk19AHAR/pPF/GEqpxWcHmLTrGcIlTrDX5AZY', 'EEB', '区生态环境分局', NULL, NULL, NULL, '2026-11-29 21:33:19.285256+00');
INSERT INTO public.users VALUES (6, 'gov_officer', '$argon2id$v=19$m=32,t=1,p=4$uybwwZdbVtyFksYqEG5F3A$yJKDeRxuZ2kZ6CfhmvjY2pfAfdxQ3qK+j5j55dkhQMk', 'GOV', '区人民政府', NULL, NULL, NULL, '2026-11-29 21:33:19.295951+00');
INSERT INTO public.users VALUES (7, 'finance_officer', '$argon2id$v=19$m=32,t=1,p=4$NFm1/gehIrNvhNi0Uk/jxA$JH7xA+0HH5zb0gCSYtlZ5XiDDg8+8y1gK3zYsx9q0Mk', 'FINANCE', '区金融办', NULL, NULL, NULL, '2026-11-29 21:33:19.305267+00');
INSERT INTO public.users VALUES (8, 'verifier_officer', '$argon2id$v=19$m=32,t=1,p=4$lG8DHAXkX3lMvBMIHSvp7w$IoHPCHhwYlD2d+Oq2y53Bad8Lgda3UHrHNcfBMIhXj0', 'VERIFIER', '第三方监测机构', NULL, NULL, NULL, '2026-11-29 21:33:19.313261+00');
INSERT INTO public.users VALUES (9, 'coop-87999318', '$argon2id$v=19$m=32,t=1,p=4$NQ3HoyLqmLavw0dx1tUl3Q$pgu9UgVzaj/lIOGxWTiFwLcBA45SB5utOuaE9scKlGc', 'HOLDER', '某村股份经济合作社', '赫山区泉交河镇某村股份经济合作社', '0xf74e2c73983291186Aeb117C153316c7696A0600', '29e1930d3ea408aca12fb3053562991f9ae009e83edf350b4e7ed24f3366b0ab', '2026-11-29 21:33:20.511858+00');
INSERT INTO public.users VALUES (10, 'marathon-87999318', '$argon2id$v=19$m=32,t=1,p=4$FfbFM3TATd+szy1f9swl2g$ybPWA/lbyc5lQyiYI99a83s040aCRJWKGd1iTcBiROk', 'HOLDER', '马拉松组委会', '2026赫山马拉松组委会', '0x2AA85F165bfA8A64cf066b415977Be43F07A109C', '663e6362215193215b6d31667dbb25510b23a6e8f65375bd9bee3b4a5f06d8da', '2026-11-29 21:33:21.019912+00');
INSERT INTO public.users VALUES (11, 'builder-87999318', '$argon2id$v=19$m=32,t=1,p=4$LfMwIa9Y3tuo9GGZSwgyiQ$OLXV9cpEzJle8Zv9T4aYRauKxuzQPjVnnyGn/X1DIJc', 'HOLDER', '某建设单位', '某交通建设有限公司', '0xac955787b2F94ee82e795E4724ef1eab6F9014DD', '0368cd712e0728d3dda268286c2d0f3d6cf5eb7288eaad438b7a1dd1f1960a43', '2026-11-29 21:33:22.025634+00');
INSERT INTO public.users VALUES (12, 'bank-87999318', '$argon2id$v=19$m=32,t=1,p=4$QdURdhvfPTiZHvVQAYOIcg$B0YV+pbu0WqxvSuxTieJbYIWUeGQLuBDsMYsWMdEzA4', 'HOLDER', '农商银行', '湖南益阳农村商业银行', '0xbeD676f00C3a8dbC57147380e647665A92E4FCC7', 'f3914221c88a8d646d9f419ee8bd34cfe01e1022f62f3f79d282cc5187070765', '2026-11-29 21:33:23.021799+00');


--
-- Name: application_records_application_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.application_records_application_id_seq', 1, false);


--
-- Name: applications_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.applications_id_seq', 1, false);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 41, true);


--
-- Name: coupons_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.coupons_id_seq', 1, false);


--
-- Name: index_cursor_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.index_cursor_id_seq', 1, false);


--
-- Name: issuances_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.issuances_id_seq', 1, false);


--
-- Name: listing_records_coupon_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.listing_records_coupon_id_seq', 1, false);


--
-- Name: purchases_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.purchases_id_seq', 1, true);


--
-- Name: steps_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.steps_id_seq', 40, true);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 12, true);


--
-- Name: application_records application_records_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_records
    ADD CONSTRAINT application_records_pkey PRIMARY KEY (application_id);


--
-- Name: applications applications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: coupons coupons_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.coupons
    ADD CONSTRAINT coupons_pkey PRIMARY KEY (id);


--
-- Name: documents documents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (sha256);


--
-- Name: index_cursor index_cursor_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.index_cursor
    ADD CONSTRAINT index_cursor_pkey PRIMARY KEY (id);


--
-- Name: issuances issuances_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.issuances
    ADD CONSTRAINT issuances_pkey PRIMARY KEY (id);


--
-- Name: listing_records listing_records_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.listing_records
    ADD CONSTRAINT listing_records_pkey PRIMARY KEY (coupon_id);


--
-- Name: offsets offsets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.offsets
    ADD CONSTRAINT offsets_pkey PRIMARY KEY (tx_hash);


--
-- Name: purchases purchases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purchases
    ADD CONSTRAINT purchases_pkey PRIMARY KEY (id);


--
-- Name: role_holders role_holders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_holders
    ADD CONSTRAINT role_holders_pkey PRIMARY KEY (address);


--
-- Name: steps steps_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.steps
    ADD CONSTRAINT steps_pkey PRIMARY KEY (id);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (token_hash);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: ix_applications_applicant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_applications_applicant ON public.applications USING btree (applicant);


--
-- Name: ix_applications_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_applications_status ON public.applications USING btree (status);


--
-- Name: ix_audit_log_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_at ON public.audit_log USING btree (at);


--
-- Name: ix_coupons_issuance; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_coupons_issuance ON public.coupons USING btree (issuance);


--
-- Name: ix_coupons_number; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_coupons_number ON public.coupons USING btree (number);


--
-- Name: ix_coupons_owner; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_coupons_owner ON public.coupons USING btree (owner);


--
-- Name: ix_coupons_parent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_coupons_parent ON public.coupons USING btree (parent);


--
-- Name: ix_coupons_pending_action; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_coupons_pending_action ON public.coupons USING btree (pending_action);


--
-- Name: ix_coupons_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_coupons_state ON public.coupons USING btree (state);


--
-- Name: ix_offsets_coupon_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_offsets_coupon_id ON public.offsets USING btree (coupon_id);


--
-- Name: ix_purchases_buyer_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_purchases_buyer_id ON public.purchases USING btree (buyer_id);


--
-- Name: ix_steps_application_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_steps_application_id ON public.steps USING btree (application_id);


--
-- Name: ix_steps_coupon_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_steps_coupon_id ON public.steps USING btree (coupon_id);


--
-- Name: ix_steps_tx_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_steps_tx_hash ON public.steps USING btree (tx_hash);


--
-- Name: ix_tokens_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_tokens_user_id ON public.tokens USING btree (user_id);


--
-- Name: ix_users_address; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_users_address ON public.users USING btree (address);


--
-- Name: ix_users_username; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_users_username ON public.users USING btree (username);


--
-- Name: application_records application_records_submitted_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_records
    ADD CONSTRAINT application_records_submitted_by_fkey FOREIGN KEY (submitted_by) REFERENCES public.users(id);


--
-- Name: coupons coupons_issuance_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.coupons
    ADD CONSTRAINT coupons_issuance_fkey FOREIGN KEY (issuance) REFERENCES public.issuances(id);


--
-- Name: documents documents_uploaded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.documents
    ADD CONSTRAINT documents_uploaded_by_fkey FOREIGN KEY (uploaded_by) REFERENCES public.users(id);


--
-- Name: purchases purchases_buyer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.purchases
    ADD CONSTRAINT purchases_buyer_id_fkey FOREIGN KEY (buyer_id) REFERENCES public.users(id);


--
-- Name: tokens tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- PostgreSQL database dump complete
--


