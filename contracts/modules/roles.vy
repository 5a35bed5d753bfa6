# pragma version ~=0.4.3
"""
@title Department roles of the Heshan carbon-coupon registry
@notice DESIGN §2. Each account signs for at most one department: the steps
        of the Measures (附件1) check one another, so a key that could act as
        two departments would let one person approve their own work.
        DRC (区发改部门, §4 综合协调) administers the roles.
"""

from snekmate.auth import access_control

uses: access_control


# @dev Role ids, keccak256 of the role name; public so that clients read them from the ABI.
DRC: public(constant(bytes32)) = keccak256("DRC")
CENTER: public(constant(bytes32)) = keccak256("CENTER")
NRB: public(constant(bytes32)) = keccak256("NRB")
FORESTRY: public(constant(bytes32)) = keccak256("FORESTRY")
EEB: public(constant(bytes32)) = keccak256("EEB")
GOV: public(constant(bytes32)) = keccak256("GOV")
FINANCE: public(constant(bytes32)) = keccak256("FINANCE")
VERIFIER: public(constant(bytes32)) = keccak256("VERIFIER")


# @dev The one department role an account holds, empty for holders and buyers.
department_of: public(HashMap[address, bytes32])


@deploy
def __init__():
    """
    @dev The deployer becomes DRC. snekmate's `DEFAULT_ADMIN_ROLE` is revoked
         again: role administration goes only through `grant_role`, which
         enforces one department per account.
    """
    access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    self._grant(DRC, msg.sender)


@external
def grant_role(role: bytes32, account: address):
    """
    @notice Grants a department role to an account that holds no other one.
    @param role One of the role ids (keccak256 of the role name).
    @param account The department's signing address.
    """
    access_control._check_role(DRC, msg.sender)
    assert role in [DRC, CENTER, NRB, FORESTRY, EEB, GOV, FINANCE, VERIFIER], "roles: unknown role"
    assert account != empty(address), "roles: zero address"
    self._grant(role, account)


@external
def revoke_role(role: bytes32, account: address):
    """
    @notice Revokes a department role, freeing the account for another role.
    @param role The role id.
    @param account The address losing the role.
    """
    access_control._check_role(DRC, msg.sender)
    assert access_control.hasRole[role][account], "roles: role not held"
    # Someone must always be able to administer roles.
    assert not (role == DRC and account == msg.sender), "roles: cannot revoke own DRC role"
    self.department_of[account] = empty(bytes32)
    access_control._revoke_role(role, account)


@internal
def _grant(role: bytes32, account: address):
    """
    @dev Grants `role` unless the account already signs for another department.
    @param role The role id.
    @param account The address gaining the role.
    """
    held: bytes32 = self.department_of[account]
    assert held == empty(bytes32) or held == role, "roles: account holds another role"
    self.department_of[account] = role
    access_control._grant_role(role, account)
